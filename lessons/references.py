"""The works the lessons cite, in full: a lesson's `source` names them as author(s) and year (with the
section or figure), and `cited(source)` lists the full references it names, for the page to show.

The surveys the lessons were built from (SPEC §4's seeds) are Chang, Liang & Li 2024, Liu & Zhang
2023, Ruder 2016 (through a Chinese retelling of it) and a QbitAI news report on AdaMod; the
others are the original papers those surveys cite for the experiment or the method.
"""

from __future__ import annotations

REFERENCES: dict[str, str] = {
    "Chang, Liang & Li 2024": "X. Chang, K. Liang, W. Li. Review of development of deep learning optimizer. "
    "Computer Engineering and Applications 60(7): 1–12, 2024 (in Chinese).",
    "Liu & Zhang 2023": "Y. Liu, J. Zhang. Research advances in deep neural networks learning rate strategies. "
    "Control and Decision 38(9): 2444–2460, 2023 (in Chinese).",
    "Ruder 2016": "S. Ruder. An overview of gradient descent optimization algorithms. arXiv:1609.04747, 2016.",
    "Reddi, Kale & Kumar 2018": "S. J. Reddi, S. Kale, S. Kumar. On the convergence of Adam and beyond. ICLR 2018.",
    "Zaheer et al. 2018": "M. Zaheer, S. Reddi, D. Sachan, S. Kale, S. Kumar. Adaptive methods for nonconvex "
    "optimization. NeurIPS 2018.",
    "Zhang et al. 2019": "M. R. Zhang, J. Lucas, G. Hinton, J. Ba. Lookahead optimizer: k steps forward, 1 step back. "
    "NeurIPS 2019.",
    "Liu et al. 2019": "L. Liu, H. Jiang, P. He, W. Chen, X. Liu, J. Gao, J. Han. On the variance of the adaptive "
    "learning rate and beyond. arXiv:1908.03265, 2019.",
    "Ding et al. 2019": "J. Ding, X. Ren, R. Luo, X. Sun. An adaptive and momental bound method for stochastic "
    "learning. arXiv:1910.12249, 2019.",
    "QbitAI 2019": "QbitAI (量子位). A news report on AdaMod, 2019 (in Chinese).",
    "Neelakantan et al. 2015": "A. Neelakantan, L. Vilnis, Q. V. Le, I. Sutskever, L. Kaiser, K. Kurach, J. Martens. "
    "Adding gradient noise improves learning for very deep networks. arXiv:1511.06807, 2015.",
    "Li et al. 2018": "H. Li, Z. Xu, G. Taylor, C. Studer, T. Goldstein. Visualizing the loss landscape of neural nets. "
    "NeurIPS 2018.",
    "Antognini & Sohl-Dickstein 2018": "J. Antognini, J. Sohl-Dickstein. PCA of high dimensional random walks with "
    "comparison to neural network training. NeurIPS 2018.",
}


def cited(source: str) -> list[str]:
    """The full references of the works `source` names, in the order it names them."""
    return [REFERENCES[k] for k in sorted((k for k in REFERENCES if k in source), key=source.index)]
