"""What each figure of K24 shows, transcribed from its caption (and, where the caption points to
another figure or section, from the place it points to). Reference data for the consistency claims
of Table 1 and of the cross references: the captions are the truth a reference is compared with.

Settings (model / data) are named by keys; ``SETTINGS`` spells them out.
"""

from __future__ import annotations

SETTINGS = {
    "gpt2/wt103": "GPT2-Small on WikiText-103",
    "tf2/ptb": "2-layer transformer on PTB",
    "tf1/tinyptb": "1-layer transformer on TinyPTB",
    "tf1last/tinyptb": "1-layer transformer on TinyPTB, last layer only",
    "cnn/barcoded": "CNN on Barcoded MNIST",
    "cnn/mnist": "CNN on MNIST",
    "cnn/mnist+barcoded": "CNN on MNIST+Barcoded",
    "linear/ht11": "linear model on Random HT labels (figure 4's data)",
    "linear/htsmall": "linear model on the small Random HT labels data",
    "vit/imagenet": "Simple ViT on ImageNet",
    "resnet/smallht": "ResNet18 on small and HT ImageNet",
    "resnetln/smallht": "ResNet18+LN on small and HT ImageNet",
    "vit/smallht": "Simple ViT on small and HT ImageNet",
}

#: figure -> settings it shows, with the phrase of the caption (or of the text it points to) that says so.
FIGURE_SETTINGS = {
    1: ({"gpt2/wt103"}, "Training GPT2-Small on WikiText-103"),
    2: ({"cnn/mnist", "cnn/mnist+barcoded"}, "(a) Performance on the MNIST dataset. (b) ... a modified MNIST"),
    3: ({"resnet/smallht"}, "a subset of ImageNet and (b) an imbalanced subset of ImageNet"),
    4: ({"linear/ht11"}, "Softmax regression on synthetic data (A.2: the large variant in figure 4)"),
    5: ({"tf1last/tinyptb"}, "Training the last layer of a simplified one-layer transformer"),
    6: (set(), "the quadratic problem of section 3.1 (no data set)"),
    7: ({"linear/ht11"}, "the path taken by Adam in training the linear model of figure 4"),
    8: ({"linear/ht11"}, "H.1: 'throughout the trajectory of Adam on the problem of figure 4'"),
    9: (set(), "token distributions of PTB and WikiText2 (no training)"),
    10: ({"gpt2/wt103"}, "Same experiment as figure 1, training GPT2-Small on WikiText-103"),
    11: ({"resnetln/smallht"}, "ResNet with LayerNorm ... uniform subset of ImageNet (b) and an imbalanced subset"),
    12: ({"vit/imagenet"}, "Training loss on the full ImageNet dataset (without subsampling)"),
    13: ({"vit/smallht"}, "vision transformer ... uniform subset of ImageNet (b) and an imbalanced subset"),
    14: ({"cnn/barcoded", "cnn/mnist", "cnn/mnist+barcoded"}, "B.1: MNIST only, the barcoded-only subset and the combination"),
    15: ({"linear/htsmall"}, "C.1: 'a smaller synthetic data'"),
    16: ({"linear/htsmall"}, "C.2 (the small variant of appendix C)"),
    17: ({"tf2/ptb"}, "Training a 2-layer transformer on PTB"),
    18: ({"tf1/tinyptb"}, "a one-layer transformer with deterministic updates. Trained on TinyPTB"),
    19: ({"linear/ht11"}, "All optimizers on the linear model of figure 4"),
    20: ({"tf1/tinyptb"}, "All optimizers on the transformer of figure 18"),
    21: ({"cnn/mnist+barcoded"}, "All optimizers on the CNN of figure 2"),
    22: ({"tf2/ptb", "linear/ht11", "cnn/mnist+barcoded", "resnet/smallht"},
         "appendix F: the transformer of figure 17, the linear model of figure 4, the CNN of figure 2, the ResNet18 of figure 3"),
    23: ({"linear/ht11"}, "the path of GD (a) and Adam (b) on the linear problem of figure 4"),
    24: ({"cnn/mnist+barcoded"}, "the CNN on imbalanced MNIST in figure 2"),
    25: ({"resnet/smallht"}, "the ResNet18 on imbalanced ImageNet in figure 3"),
    26: ({"tf2/ptb"}, "the small Transformer on PTB in figure 17"),
    27: ({"linear/ht11"}, "the iterates of Adam on the linear model of figure 4"),
    28: ({"linear/ht11"}, "H.1: the problem of figure 4"),
}

#: Batch of each setting from appendix A.4 (sequences x tokens for the language models; None = full batch).
BATCH = {"gpt2/wt103": (512, 1024), "tf2/ptb": (512, 35), "resnet/smallht": (1024, None), "resnetln/smallht": (1024, None),
         "vit/imagenet": (1024, None), "vit/smallht": (1024, None)}

#: Further facts of individual figures (from their captions, Table 1 and A.4): the optimizers a panel
#: shows, whether the runs are deterministic (full batch), balanced classes, what is plotted.
FIGURE_FACTS = {
    1: {"deterministic": False, "loss_by_frequency": True, "optimizers": frozenset({"SGD", "Adam"})},
    2: {"deterministic": True, "loss_by_frequency": True, "optimizers": frozenset({"GD", "Adam"})},
    3: {"deterministic": False, "loss_by_frequency": True, "optimizers": frozenset({"SGD", "Adam"})},
    4: {"deterministic": True, "loss_by_frequency": True, "optimizers": frozenset({"GD", "Adam"})},
    5: {"deterministic": True, "loss_by_frequency": True, "optimizers": frozenset({"GD", "Adam", "NGD", "Sign"})},
    6: {"deterministic": True, "loss_by_frequency": True, "optimizers": frozenset({"GD", "Adam", "Sign"})},
    7: {"deterministic": True, "loss_by_frequency": False, "optimizers": frozenset({"Adam"})},
    8: {"deterministic": True, "loss_by_frequency": False, "optimizers": frozenset({"Adam"})},
    11: {"deterministic": False, "loss_by_frequency": True, "optimizers": frozenset({"SGD", "Adam"})},
    12: {"deterministic": False, "balanced": True, "adam_beats_sgd": False, "model": "vit"},
    13: {"deterministic": False, "balanced": False, "adam_beats_sgd": True, "model": "vit",
         "optimizers": frozenset({"SGD", "Adam"})},
    17: {"deterministic": False, "loss_by_frequency": True},
    18: {"deterministic": True, "loss_by_frequency": True, "optimizers": frozenset({"GD", "Adam"})},
    23: {"deterministic": True, "optimizers": frozenset({"GD", "Adam"})},
}

MAIN_FIGURES = range(1, 9)
