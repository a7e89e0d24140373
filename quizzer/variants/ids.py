"""The id of every variant family, in the public order, without importing them.

Loading the bank checks each question's ``variants`` against these ids. Importing
the families themselves brings in NumPy, which would double the time a quiz takes
to show its first question; so the ids are listed here as plain data, and the
registry refuses to load if its families and this list ever disagree (a test
loads it).
"""

FAMILY_IDS: tuple[str, ...] = (
    # module 1
    "perceptron_output", "perceptron_update", "average_loss", "gradient_average",
    "linear_collapse", "linear_composition", "bias_boundary", "boundary_offset",
    "sigmoid_chain", "relu_chain", "one_hidden_layer", "sigmoid_step_location",
    "gradient_decay", "layers_to_vanish", "batchnorm_forward", "batchnorm_stats",
    "dense_param_count", "gd_step", "generalization_gap", "params_per_sample",
    # module 2
    "dropout_forward", "dropout_keep_count", "early_stopping", "patience_stop",
    "updates_per_epoch", "total_updates", "momentum_velocity", "momentum_effective_step",
    "l1_step", "l2_step", "l1_zero_steps", "adam_steps", "adam_bias_correction",
    "clip_global_norm", "clip_by_value", "bias_variance", "error_decomposition",
    "minibatch_variance", "batch_memory", "xavier_uniform_limit", "he_normal_std",
    "signal_growth",
)
