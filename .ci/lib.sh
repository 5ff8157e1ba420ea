# Shared by .ci/run and .ci/colab_env.sh; sourced from the repository root.

# The real MNIST test set, where this machine has it (../shared/data/mnist-t10k): the notebooks' loader
# reads EDL_DATA_DIR. Elsewhere the variable stays unset and the loader falls back as usual.
if [ -d ../shared/data/mnist-t10k ]; then
    EDL_DATA_DIR="$(cd ../shared/data/mnist-t10k && pwd)"
    export EDL_DATA_DIR
fi

# offline COMMAND [ARG...]: run COMMAND in a network namespace of its own (loopback only, so Jupyter kernels
# still start) to prove that the tests download nothing. Where namespaces are not permitted, run it as it
# is, with a warning.
offline() {
    local flags
    for flags in -n -rn; do  # as root; else as a mapped root in a user namespace
        if unshare "$flags" sh -c 'ip link set lo up' 2>/dev/null; then
            unshare "$flags" sh -c 'ip link set lo up && exec "$@"' offline "$@"
            return
        fi
    done
    echo "WARNING: cannot block the network here (unshare not permitted): running '$*' with the network on" >&2
    "$@"
}
