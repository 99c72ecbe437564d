"""Plain-text renderings of the book's LaTeX, for printed reports and the terminal.

Reports such as a derivation's link table are written in the book's LaTeX (with its macros,
``\\d``, ``\\T``, ``\\frob``, ...) so that the HTML and the PDF typeset them. Printed with
``print`` or shown by ``make run`` in a terminal, raw LaTeX is noise; :func:`plain` turns
the book's notation into readable Unicode text instead.

>>> plain(r"(WX - Y)X^\\T : \\d W")
'(WX - Y)Xᵀ : dW'
>>> plain(r"$\\frob{A}{B} = \\tr(A^\\T B)$, see {prf:ref}`thm-frob-move`")
'A : B = tr(Aᵀ B), see thm-frob-move'

Text already in plain ASCII notation (the derivation engine's rule names, ``A C^T``) gets
the same forms, so that one output never mixes ``Xᵀ`` and ``X^T``.
"""

from __future__ import annotations

import os
import re
import unicodedata

__all__ = ["plain", "markdown"]

ROLE = re.compile(r"\{[a-z:-]+\}`(?:[^`<]*<)?([^`>]*)>?`")
# A Hadamard (entrywise) power, ``P^{\circ -1}``: written ``P^(∘-1)``, not ``P^ ∘ -1``.
HADAMARD_POWER = re.compile(r"\^\{\\(?:circ|had)(?![A-Za-z])\s*((?:[^{}]|\{[^{}]*\})*)\}")
# Plain ASCII transposes and inverses after a symbol, a closing bracket or a prime.
ASCII_POWERS = [(re.compile(r"(?<=[\w)\]'])\^-T(?![A-Za-z0-9])"), "⁻ᵀ"),
                (re.compile(r"(?<=[\w)\]'])\^T(?![A-Za-z0-9])"), "ᵀ"),
                (re.compile(r"(?<=[\w)\]'])\^-1(?![0-9])"), "⁻¹")]

# Order matters: longer control sequences before their prefixes.
_WORDS = [
    (r"^{-\T}", "⁻ᵀ"), (r"^{-1}", "⁻¹"), (r"^\T", "ᵀ"), (r"^{\T}", "ᵀ"), (r"^{2}", "²"),
    (r"^2", "²"), (r"^3", "³"), (r"\mathbf 1", "1"), (r"\mathbf{1}", "1"),
    (r"\bigl", ""), (r"\bigr", ""), (r"\Bigl", ""), (r"\Bigr", ""), (r"\left", ""),
    (r"\right", ""), (r"\lvert", "|"), (r"\rvert", "|"), (r"\lVert", "‖"), (r"\rVert", "‖"),
    (r"\vert", "|"), (r"\Vert", "‖"), (r"\|", "‖"), (r"\tfrac12", "½"), (r"\frac12", "½"),
    (r"\had", " ∘ "), (r"\kron", " ⊗ "), (r"\circ", " ∘ "), (r"\otimes", " ⊗ "),
    (r"\grad", "∇"), (r"\nabla", "∇"), (r"\partial", "∂"), (r"\sum", "Σ"), (r"\prod", "Π"),
    (r"\textstyle", ""), (r"\displaystyle", ""), (r"\dots", "…"), (r"\ldots", "…"),
    (r"\in", " ∈ "), (r"\gamma", "γ"), (r"\lambda", "λ"), (r"\sigma", "σ"), (r"\Sigma", "Σ"),
    (r"\mu", "μ"), (r"\delta", "δ"),
    (r"\alpha", "α"), (r"\beta", "β"), (r"\ell", "ℓ"), (r"\eps", "ε"), (r"\varepsilon", "ε"),
    (r"\theta", "θ"), (r"\Omega", "Ω"), (r"\phi", "φ"), (r"\Phi", "Φ"), (r"\pi", "π"),
    (r"\R", "ℝ"), (r"\times", "×"), (r"\cdot", "·"), (r"\le", "≤"), (r"\ge", "≥"),
    (r"\ne", "≠"), (r"\to", "→"), (r"\mapsto", "↦"), (r"\approx", "≈"), (r"\infty", "∞"),
    (r"\quad", "  "), (r"\qquad", "    "), (r"\,", " "), (r"\;", " "), (r"\!", ""),
    (r"\{", "{"), (r"\}", "}"), (r"\tr", "tr"), (r"\det", "det"), (r"\log", "log"),
    (r"\exp", "exp"), (r"\vec", "vec"), (r"\diag", "diag"), (r"\sym", "sym"),
    (r"\max", "max"), (r"\min", "min"), (r"\T", "ᵀ"),
]


def _braced(text: str, macro: str, nargs: int, template: str) -> str:
    """Replace ``\\macro{a}{b}`` (one level of nested braces) by ``template``."""
    arg = r"\{((?:[^{}]|\{[^{}]*\})*)\}"
    pattern = re.escape(macro) + arg * nargs
    return re.sub(pattern, lambda m: template.format(*m.groups()), text)


def plain(text: str) -> str:
    """The book's LaTeX (and MyST roles) in ``text`` as plain Unicode text.

    Math delimiters ``$`` are dropped, the book's macros and common symbols become their
    Unicode forms, ``{role}`target``` becomes ``target``. Anything not recognized is kept,
    minus its backslash, so nothing is lost silently.

    >>> plain(r"-X^{-1}\\,\\d X\\,X^{-1}")
    '-X⁻¹ dX X⁻¹'
    >>> plain(r"\\fnorm{WX - Y}^2")
    '‖WX - Y‖_F²'
    >>> plain(r"Y \\had P^{\\circ -1} : \\d P, by A : BC = A C^T : B")
    'Y ∘ P^(∘-1) : dP, by A : BC = A Cᵀ : B'
    """
    text = ROLE.sub(r"\1", text)  # MyST roles
    text = text.replace("$$", "").replace("$", "")
    text = HADAMARD_POWER.sub(lambda m: "^(∘" + m.group(1).strip() + ")", text)
    for pattern, uni in ASCII_POWERS:
        text = pattern.sub(uni, text)
    # Words first, while every macro still ends where a backslash or a non-letter follows
    # (after the braced macros below, "\cdot\operatorname{im2col}" would read "\cdotim2col").
    for latex, uni in _WORDS:
        text = re.sub(re.escape(latex) + r"(?![A-Za-z])", uni, text) if latex[-1].isalpha() \
            else text.replace(latex, uni)
    for macro, nargs, template in ((r"\frob", 2, "{0} : {1}"), (r"\fnorm", 1, "‖{0}‖_F"),
                                   (r"\norm", 1, "‖{0}‖"), (r"\frac", 2, "({0})/({1})"),
                                   (r"\tfrac", 2, "({0})/({1})"), (r"\sqrt", 1, "√{0}"),
                                   (r"\operatorname", 1, "{0}"), (r"\mathrm", 1, "{0}"),
                                   (r"\text", 1, "{0}"), (r"\mathbf", 1, "{0}"),
                                   (r"\mathcal", 1, "{0}"), (r"\overline", 1, "{0}̄"),
                                   (r"\hat", 1, "{0}̂"), (r"\bar", 1, "{0}̄")):
        for _ in range(2):  # nested once, e.g. \frob{\frac{a}{b}}{c}
            text = _braced(text, macro, nargs, template)
    text = re.sub(r"\\hat\s*([A-Za-z])", "\\1\u0302", text)   # accents on one letter
    text = re.sub(r"\\bar\s*([A-Za-z])", "\\1\u0304", text)
    text = re.sub(r"\\sqrt\s*([A-Za-z0-9])", "√\\1", text)
    text = re.sub(r"\\t?frac\s*(\w)\s*(\w)", r"\1/\2", text)  # \tfrac1\sigma: 1/σ
    text = re.sub(r"\\d(?![A-Za-z])\s*", "d", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    text = text.replace("\\ ", " ")
    text = re.sub(r"_\{([^{}]*)\}(?=[A-Za-z0-9(])", r"_\1 ", text)  # A_{ik}B -> A_ik B
    text = re.sub(r"_\{([^{}]*)\}", r"_\1", text)
    text = re.sub(r"(?<!\\)[{}]", "", text)
    text = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)  # spaces left by removed macros
    text = unicodedata.normalize("NFC", text)  # Y + combining hat -> one character where one exists
    return text.strip() if "\n" not in text else text


def markdown(text: str) -> str:
    """Markdown for a notebook's rich display: MyST roles (``{prf:ref}`thm-inverse```) are
    kept where MyST renders them — the book's build sets ``MATCALC_MARKDOWN=myst`` — and
    replaced by their targets elsewhere (plain Jupyter, JupyterLab, VS Code, Colab), which
    would show them raw.

    >>> import os
    >>> os.environ.pop("MATCALC_MARKDOWN", None) and None
    >>> markdown("by {prf:ref}`thm-inverse`")
    'by thm-inverse'
    """
    if os.environ.get("MATCALC_MARKDOWN") == "myst":
        return text
    return ROLE.sub(r"\1", text)
