"""Metadata routing of the package's meta-estimators.

One mechanism for every meta-estimator that fits inner estimators: a
:class:`~sklearn.utils.metadata_routing.MetadataRouter` built from
``(caller, callee)`` pairs, and the parameters each inner estimator gets —
routed by what it requested when scikit-learn's metadata routing is enabled,
passed on unchanged otherwise (the package's behaviour before routing).
"""

from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)

__all__ = ["build_router", "routed_params"]


def build_router(owner, *, self_request=False, **children):
    """The metadata router of a meta-estimator.

    Parameters
    ----------
    owner : estimator
        The meta-estimator.
    self_request : bool, default=False
        Whether ``owner`` consumes metadata itself (explicit ``fit``
        arguments such as ``groups`` or ``sample_domain``).
    **children : tuple (estimator, list of (caller, callee))
        Each inner estimator with the methods of ``owner`` (callers) that
        call its methods (callees).

    Returns
    -------
    router : MetadataRouter
    """
    router = MetadataRouter(owner=owner)
    if self_request:
        router.add_self_request(owner)
    for name, (estimator, pairs) in children.items():
        mapping = MethodMapping()
        for caller, callee in pairs:
            mapping.add(caller=caller, callee=callee)
        router.add(method_mapping=mapping, **{name: estimator})
    return router


def routed_params(owner, method, params, *, child="estimator", callee="fit"):
    """Parameters of ``child.callee`` when ``owner.method`` gets ``params``.

    With metadata routing enabled, the metadata ``child`` requested (a clear
    error from scikit-learn for any key nobody requested); without it,
    ``params`` unchanged.
    """
    if _routing_enabled():
        return dict(process_routing(owner, method, **params)[child][callee])
    return dict(params)
