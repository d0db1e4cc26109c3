"""numexpr Jacobi, from the post's comments.

ne.evaluate computes the whole right-hand side into a new array, which is
then assigned to u[1:-1, 1:-1]: a Jacobi sweep. (Passing out=u[1:-1, 1:-1]
would make the result alias its inputs and turn it into an unordered mix of
old and new values.)
"""

import protocol

ne = protocol.require("numexpr")

EXPRESSION = "((bottom + top)*dy2 + (left + right)*dx2) / (2*(dx2+dy2))"


def update(u, dx2, dy2):
    u[1:-1, 1:-1] = ne.evaluate(EXPRESSION, local_dict={
        "bottom": u[2:, 1:-1],   # u[i+1, j]
        "top": u[:-2, 1:-1],     # u[i-1, j]
        "left": u[1:-1, 2:],     # u[i, j+1]
        "right": u[1:-1, :-2],   # u[i, j-1]
        "dx2": dx2,
        "dy2": dy2,
    })


def setup(args):
    # numexpr's default thread pool (NUMEXPR_NUM_THREADS, else OMP_NUM_THREADS,
    # else the detected cores) is left as it is, and reported.
    threads = ne.get_num_threads() if hasattr(ne, "get_num_threads") else ne.nthreads
    vml = f"VML {ne.get_vml_version()}" if ne.use_vml else "no VML"
    return protocol.Kernel(
        update=update,
        runtime=protocol.runtime(ne),
        flags=f"numexpr {ne.__version__} prebuilt wheel, {threads} thread(s) "
              f"(default pool), {vml}, result into a temporary then assigned",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
