"""The Python executor: the warm zygote, its forking helper and the forked child that runs Python
actions (docs/architecture.md, "runtime/"). The language-neutral core (protocol, result, limits,
the flow executor, the client, the confinement layers) sits one level up."""
