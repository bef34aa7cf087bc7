"""gradc from Python: exact derivatives and native kernels from formulas.

    >>> import gradc
    >>> print(gradc.grad("x^2*sin(y)"))
    ∂/∂x = 2*x*sin(y)
    ∂/∂y = x^2*cos(y)

The compiler is the C++ library (gradc._gradc); this package is a thin layer over it.
docs/python.md in the source tree describes every function.
"""

from gradc._gradc import *  # noqa: F401,F403
from gradc._gradc import __doc__ as _extension_doc  # noqa: F401

__version__ = "0.1.0"
