"""The package imports without torch; the neural module names the extra."""

import subprocess
import sys
import textwrap


def test_neural_import_error_names_torch_extra():
    code = textwrap.dedent(
        """
        import sys

        class _NoTorch:  # behave as if torch and skorch were not installed
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "skorch"):
                    raise ImportError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, _NoTorch())
        import sklearn_datacentric
        try:
            import sklearn_datacentric.neural
        except ImportError as exc:
            msg = str(exc)
            assert "sklearn-datacentric[torch]" in msg, msg
            assert "'torch'" in msg, msg
            print("OK")
        else:
            raise SystemExit("no ImportError")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "OK"
