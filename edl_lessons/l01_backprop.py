"""Generated from notebooks/01_numpy_mlp.ipynb by `python -m edl_helpers.save_cells`: edit the notebook, not this file.

The notebook's cells marked ``#@save``, in order.
"""

# ---- notebooks/01_numpy_mlp.ipynb, cell 9 ----
import numpy as np


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), written with tanh so that it never overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def forward_pass(X, W1, b1, W2, b2):
    """The MLP on every row of X: hidden activations (rows, units) and probabilities of class 1 (rows,)."""
    hidden = np.tanh(X @ W1 + b1)
    return hidden, sigmoid(hidden @ W2 + b2[0])


# ---- notebooks/01_numpy_mlp.ipynb, cell 11 ----
def log_loss(probabilities, Y):
    """Mean binary cross-entropy of the probabilities of class 1 against the labels Y (clipped: never log 0)."""
    clipped = np.clip(probabilities, 1e-12, 1 - 1e-12)
    return float(-np.mean(Y * np.log(clipped) + (1 - Y) * np.log(1 - clipped)))


def gradients(X, Y, W2, hidden, probabilities):
    """Backprop: the gradients of log_loss for W1, b1, W2, b2, from the forward pass's hidden and output."""
    delta_out = (probabilities - Y) / len(X)                  # dL/dz at the output: sigmoid + cross-entropy
    delta_hidden = np.outer(delta_out, W2) * (1 - hidden**2)  # back through W2, then tanh' = 1 - tanh^2
    return [X.T @ delta_hidden, delta_hidden.sum(0), hidden.T @ delta_out, np.array([delta_out.sum()])]


# ---- notebooks/01_numpy_mlp.ipynb, cell 13 ----
def adam_step(parameters, grads, m, v, step, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update of every array in `parameters`, in place; m and v are its running moments (in place too)."""
    for p, g, m_p, v_p in zip(parameters, grads, m, v):
        m_p *= beta1
        m_p += (1 - beta1) * g     # running mean of the gradient
        v_p *= beta2
        v_p += (1 - beta2) * g**2  # running mean of its square
        p -= learning_rate * (m_p / (1 - beta1**step)) / (np.sqrt(v_p / (1 - beta2**step)) + eps)


def train_backprop(network, X, Y, epochs, learning_rate, update=adam_step):
    """Train `network` (its arrays W1, b1, W2, b2, updated in place) by full-batch backprop with Adam.

    `update` is the step rule, called like `adam_step` (exercise 6 passes plain gradient descent instead).
    Returns the training loss of every epoch (measured before that epoch's update).
    """
    parameters = [network.W1, network.b1, network.W2, network.b2]
    m = [np.zeros_like(p) for p in parameters]
    v = [np.zeros_like(p) for p in parameters]
    losses = []
    for step in range(1, epochs + 1):
        hidden, probabilities = forward_pass(X, *parameters)
        losses.append(log_loss(probabilities, Y))
        update(parameters, gradients(X, Y, network.W2, hidden, probabilities), m, v, step, learning_rate)
    return losses
