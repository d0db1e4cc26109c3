"""NumPy slicing Jacobi: the post's num_update.

The right-hand side is evaluated into a temporary array before it is assigned
to u[1:-1, 1:-1], so every cell of a sweep is computed from the previous
sweep's values (Jacobi), not in place.
"""

import numpy as np

import protocol


def update(u, dx2, dy2):
    u[1:-1, 1:-1] = ((u[2:, 1:-1] + u[:-2, 1:-1]) * dy2
                     + (u[1:-1, 2:] + u[1:-1, :-2]) * dx2) / (2 * (dx2 + dy2))


def simd_summary():
    """The SIMD levels of this numpy build, e.g. 'baseline X86_V2, dispatch X86_V3 X86_V4'."""
    try:
        simd = np.show_config(mode="dicts")["SIMD Extensions"]
        return "baseline {}, dispatch {}".format(
            " ".join(simd.get("baseline", [])) or "none",
            " ".join(simd.get("found", [])) or "none")
    except Exception:  # older numpy: no dict mode
        return "SIMD unknown"


def setup(args):
    return protocol.Kernel(
        update=update,
        runtime=protocol.runtime(),
        flags=f"numpy {np.__version__} prebuilt wheel ufuncs ({simd_summary()}), "
              "temporaries per sweep",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
