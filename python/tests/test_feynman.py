"""Gradients of formulas from the Feynman Lectures on Physics against SymPy.

The formulas are those of the AI Feynman benchmark (Udrescu and Tegmark, Science
Advances 6, 2020), which took them from the Lectures, written here in gradc's language.
The oracle differentiates each with SymPy and evaluates the partials with mpmath at 50
digits, at points that are doubles (so mpmath reads them exactly). gradc's compiled
kernel must agree within 1e-12 relative, or, where a partial is the difference of
larger terms, within the rounding those terms allow: 64 ulp of its condition sum
sum_j |x_j * d(partial)/dx_j|, which bounds what rounding each input by half an ulp
could change it by (to first order), times the 64.
"""

import random

import mpmath
import numpy as np
import pytest
import sympy

import gradc

EPS = np.finfo(float).eps
DIGITS = 50

# (name, formula, ranges of variables other than the default (1, 5))
FEYNMAN = [
    ("I.6.2a", "exp(-theta^2/2)/sqrt(2*pi)", {}),
    ("I.6.2", "exp(-(theta/sigma)^2/2)/(sqrt(2*pi)*sigma)", {}),
    ("I.6.2b", "exp(-((theta-theta1)/sigma)^2/2)/(sqrt(2*pi)*sigma)", {}),
    ("I.8.14", "sqrt((x2-x1)^2+(y2-y1)^2)", {"x2": (6, 9)}),
    ("I.9.18", "G*m1*m2/((x2-x1)^2+(y2-y1)^2+(z2-z1)^2)", {"x2": (6, 9)}),
    ("I.10.7", "m_0/sqrt(1-v^2/c^2)", {"c": (6, 10)}),
    ("I.11.19", "x1*y1+x2*y2+x3*y3", {}),
    ("I.12.2", "q1*q2*r/(4*pi*epsilon*r^3)", {}),
    ("I.12.11", "q*(Ef+B*v*sin(theta))", {}),
    ("I.13.4", "1/2*m*(v^2+u^2+w^2)", {}),
    ("I.13.12", "G*m1*m2*(1/r2-1/r1)", {"r1": (6, 9)}),
    ("I.15.3x", "(x-u*t)/sqrt(1-u^2/c^2)", {"c": (6, 10)}),
    ("I.15.3t", "(t-u*x/c^2)/sqrt(1-u^2/c^2)", {"c": (6, 10)}),
    ("I.15.10", "m_0*v/sqrt(1-v^2/c^2)", {"c": (6, 10)}),
    ("I.16.6", "(u+v)/(1+u*v/c^2)", {}),
    ("I.18.4", "(m1*r1+m2*r2)/(m1+m2)", {}),
    ("I.18.16", "m*r*v*sin(theta)", {}),
    ("I.24.6", "1/2*m*(omega^2+omega_0^2)*1/2*x^2", {}),
    ("I.26.2", "arcsin(n*sin(theta2))", {"n": (0, 1)}),
    ("I.27.6", "1/(1/d1+n/d2)", {}),
    ("I.29.16", "sqrt(x1^2+x2^2-2*x1*x2*cos(theta1-theta2))", {}),
    ("I.30.3", "Int_0*sin(n*theta/2)^2/sin(theta/2)^2", {}),
    ("I.30.5", "arcsin(lambd/(n*d))", {"n": (2, 5), "d": (2, 5), "lambd": (1, 2)}),
    ("I.32.5", "q^2*a^2/(6*pi*epsilon*c^3)", {}),
    ("I.32.17", "(1/2*epsilon*c*Ef^2)*(8*pi*r^2/3)*(omega^4/(omega^2-omega_0^2)^2)", {"omega": (6, 9)}),
    ("I.34.8", "q*v*B/p", {}),
    ("I.34.14", "(1+v/c)/sqrt(1-v^2/c^2)*omega_0", {"c": (6, 10)}),
    ("I.37.4", "I1+I2+2*sqrt(I1*I2)*cos(delta)", {}),
    ("I.38.12", "4*pi*epsilon*(h/(2*pi))^2/(m*q^2)", {}),
    ("I.39.11", "1/(gamma-1)*pr*V", {"gamma": (2, 5)}),
    ("I.40.1", "n_0*exp(-m*g*x/(kb*T))", {}),
    ("I.41.16", "h/(2*pi)*omega^3/(pi^2*c^2*(exp((h/(2*pi))*omega/(kb*T))-1))", {}),
    ("I.44.4", "n*kb*T*ln(V2/V1)", {}),
    ("I.47.23", "sqrt(gamma*pr/rho)", {}),
    ("I.48.2", "m*c^2/sqrt(1-v^2/c^2)", {"c": (6, 10)}),
    ("I.50.26", "x1*(cos(omega*t)+alpha*cos(omega*t)^2)", {}),
    ("II.2.42", "kappa*(T2-T1)*A/d", {"T2": (6, 9)}),
    ("II.6.15a", "p_d/(4*pi*epsilon)*3*z/r^5*sqrt(x^2+y^2)", {}),
    ("II.11.27", "n*alpha/(1-(n*alpha/3))*epsilon*Ef", {"n": (0, 1), "alpha": (0, 1)}),
    ("II.21.32", "q/(4*pi*epsilon*r*(1-v/c))", {"c": (6, 10)}),
    ("II.24.17", "sqrt(omega^2/c^2-pi^2/d^2)", {"omega": (6, 9), "d": (2, 5)}),
    ("II.35.18", "n_0/(exp(mom*B/(kb*T))+exp(-mom*B/(kb*T)))", {}),
    ("II.35.21", "n_rho*mom*tanh(mom*B/(kb*T))", {}),
    ("II.36.38", "mom*H/(kb*T)+(mom*alpha)/(epsilon*c^2*kb*T)*M", {}),
    ("III.4.32", "1/(exp((h/(2*pi))*omega/(kb*T))-1)", {}),
    ("III.9.52", "(p_d*Ef*t/(h/(2*pi)))*sin((omega-omega_0)*t/2)^2/((omega-omega_0)*t/2)^2", {"omega": (6, 9)}),
    ("III.10.19", "mom*sqrt(Bx^2+By^2+Bz^2)", {}),
    ("III.15.12", "2*U*(1-cos(k*d))", {}),
    ("III.17.37", "beta*(1+alpha*cos(theta))", {}),
    ("III.19.51", "-m*q^4/(2*(4*pi*epsilon)^2*(h/(2*pi))^2)*(1/n^2)", {}),
]


def sympy_formula(text, names):
    symbols = {name: sympy.Symbol(name) for name in names}
    symbols.update({"ln": sympy.log, "arcsin": sympy.asin, "pi": sympy.pi})
    return sympy.sympify(text.replace("^", "**"), locals=symbols), [symbols[n] for n in names]


def points(names, ranges, count, seed):
    rng = random.Random(seed)
    return [[rng.uniform(*ranges.get(n, (1, 5))) for n in names] for _ in range(count)]


def check_partials(got, exact, sensitivity, where):
    """Each partial within 1e-12 relative, or the rounding bound where it cancels."""
    assert len(got) == len(exact) == len(sensitivity)
    for i, (g, e, s) in enumerate(zip(got, exact, sensitivity)):
        err = abs(g - e)
        assert err <= 1e-12 * abs(e) or err <= 64 * EPS * s, (
            f"{where}, {'value' if i == 0 else f'partial {i}'}: gradc {g!r}, exact {mpmath.nstr(e, 20)}, "
            f"relative error {err / abs(e) if e else err}")


@pytest.mark.parametrize("name,text,ranges", FEYNMAN, ids=[f[0] for f in FEYNMAN])
def test_gradient_matches_sympy_at_50_digits(name, text, ranges):
    f = gradc.compile(text)
    names = list(f.inputs)
    expr, syms = sympy_formula(text, names)
    partials = [sympy.diff(expr, s) for s in syms]
    exact = sympy.lambdify(syms, [expr] + partials, modules="mpmath")
    # d(partial_i)/dx_j for the condition sums, as one Hessian.
    second = sympy.lambdify(syms, [[sympy.diff(p, s) for s in syms] for p in partials], modules="mpmath")
    at = points(names, ranges, 4, seed=sum(map(ord, name)))
    values, gradients = f(np.array(at).T.copy())  # the map kernel, rows at once
    with mpmath.workdps(DIGITS):
        for row, x in enumerate(at):
            mp_x = [mpmath.mpf(v) for v in x]
            want = exact(*mp_x)
            hess = second(*mp_x)
            # The value's condition sum from the gradient, each partial's from the Hessian.
            sensitivity = [sum(abs(xj * gj) for xj, gj in zip(mp_x, want[1:]))]
            sensitivity += [sum(abs(mp_x[j] * hess[i][j]) for j in range(len(x))) for i in range(len(x))]
            value, gradient = f(**dict(zip(names, x)))  # the point kernel
            check_partials([value, *gradient], want, sensitivity, f"{name} at {x} (point kernel)")
            check_partials([values[row], *gradients[:, row]], want, sensitivity, f"{name} at {x} (map kernel)")
