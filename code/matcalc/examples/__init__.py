"""Worked examples of the book, as functions the chapters call and the tests import.

Each module is one example: the function, its gradient or differential, the derivation as a
:class:`~matcalc.derivation.Derivation`, and whatever else its chapter computes with it.
"""
