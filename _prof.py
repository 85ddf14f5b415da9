import numpy as np, time, warnings
warnings.simplefilter("ignore")
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from mapie.regression import CrossConformalRegressor as MC, JackknifeAfterBootstrapRegressor as MJ
from mapie.subsample import Subsample
from sklearn_datacentric.conformal import CrossConformalRegressor
rng=np.random.default_rng(0)
n,m=5000,2000
X=rng.normal(size=(n+m,10)); y=X[:,0]+rng.normal(size=n+m)
X,Xt,y=X[:n],X[n:],y[:n]
for name, ours, ref in [
  ("cv+", lambda: CrossConformalRegressor(Ridge(),cv=KFold(5,shuffle=True,random_state=0)), lambda: MC(Ridge(),cv=KFold(5,shuffle=True,random_state=0))),
  ("jab median", lambda: CrossConformalRegressor(Ridge(),cv=Subsample(30,random_state=0),aggregation_method="median"), lambda: MJ(Ridge(),resampling=Subsample(30,random_state=0),aggregation_method="median")),
  ("jab mean", lambda: CrossConformalRegressor(Ridge(),cv=Subsample(30,random_state=0)), lambda: MJ(Ridge(),resampling=Subsample(30,random_state=0))),
]:
    t=time.perf_counter(); a=ours().fit(X,y); t1=time.perf_counter(); pa=a.predict_interval(Xt); t2=time.perf_counter()
    b=ref().fit_conformalize(X,y); t3=time.perf_counter(); pb=b.predict_interval(Xt); t4=time.perf_counter()
    print(name, f"ours fit {t1-t:.2f} pred {t2-t1:.2f} | mapie fit {t3-t2:.2f} pred {t4-t3:.2f}", np.abs(pa[1]-pb[1]).max())
