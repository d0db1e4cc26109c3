"""JAX slicing Jacobi: jax.jit over lax.fori_loop of the post's update, float64 on the CPU.

The whole sweep loop is one XLA computation (Kernel.run): lax.fori_loop with
the sweep count as a traced argument, so one compilation serves every count.
It is compiled and run once on a copy of the grid before the timed call; the
timed call includes the copy into JAX, the sweeps, block_until_ready and the
copy of the result back into u. XLA compiles for the host CPU, with
--xla_cpu_enable_fast_math=false (no reassociation, no approximations) and
one thread (--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1), appended to any XLA_FLAGS already set.
"""

import os

import protocol

# Read by XLA when the CPU backend starts: set before jax is imported.
XLA_FLAGS = ("--xla_cpu_enable_fast_math=false --xla_cpu_multi_thread_eigen=false "
             "intra_op_parallelism_threads=1")
os.environ["XLA_FLAGS"] = " ".join(filter(None, [os.environ.get("XLA_FLAGS", ""), XLA_FLAGS]))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import numpy as np  # noqa: E402

jax = protocol.require("jax")
jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", "cpu")
jnp = jax.numpy
lax = jax.lax


@jax.jit
def sweeps_jacobi(u, dx2, dy2, sweeps):
    # XLA's algebraic simplifier rewrites a division by a broadcast scalar as
    # a multiplication by its reciprocal, whatever xla_cpu_enable_fast_math
    # says; dividing by an array that it cannot see through (materialized
    # once, behind an optimization barrier) keeps the post's exact division.
    denominator = lax.optimization_barrier(
        jnp.full((u.shape[0] - 2, u.shape[1] - 2), 2 * (dx2 + dy2)))

    def sweep(_, u):
        # The post's num_update, functionally: every cell from the old grid.
        return u.at[1:-1, 1:-1].set(
            ((u[2:, 1:-1] + u[:-2, 1:-1]) * dy2
             + (u[1:-1, 2:] + u[1:-1, :-2]) * dx2) / denominator)
    return lax.fori_loop(0, sweeps, sweep, u)


def run(u, dx, dy, sweeps):
    dx2 = dx * dx
    dy2 = dy * dy
    out = sweeps_jacobi(jnp.asarray(u), dx2, dy2, sweeps)
    out.block_until_ready()
    u[...] = np.asarray(out)


def setup(args):
    import jaxlib
    device = jax.devices()[0]
    if device.platform != "cpu":
        raise protocol.KernelError(f"JAX picked {device.platform}, not the CPU")
    # Compile (the same shapes and argument types as the timed call) and run once.
    probe = np.zeros((args.nx, args.ny))
    probe[0, :] = 1.0
    run(probe, args.dx, args.dy, 1)
    if probe.dtype != np.float64 or sweeps_jacobi(
            jnp.asarray(probe), 1.0, 1.0, 0).dtype != jnp.float64:
        raise protocol.KernelError("JAX is not computing in float64")
    return protocol.Kernel(
        update=None,
        run=run,
        runtime=protocol.runtime(jax, jaxlib),
        flags=f"jax {jax.__version__} jit(lax.fori_loop) float64 on {device.device_kind}, "
              f"XLA for the host CPU, XLA_FLAGS={os.environ['XLA_FLAGS']}, "
              "exact division (denominator array behind an optimization barrier), "
              "timed with copy in/out",
    )


if __name__ == "__main__":
    protocol.main(setup, description=__doc__)
