#pragma once

// Butcher tableau of the Dormand–Prince 5(4) pair (J. R. Dormand, P. J. Prince, "A family
// of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6 (1980) 19–26), as used by
// Hairer–Nørsett–Wanner's DOPRI5. The 5th-order solution propagates (local extrapolation);
// the difference to the 4th-order one is the error estimate. The last stage is evaluated
// at the new point (first same as last), so an accepted step costs six evaluations.

namespace simorch::integrate_detail::dopri {

inline constexpr double a21 = 1.0 / 5.0;
inline constexpr double a31 = 3.0 / 40.0, a32 = 9.0 / 40.0;
inline constexpr double a41 = 44.0 / 45.0, a42 = -56.0 / 15.0, a43 = 32.0 / 9.0;
inline constexpr double a51 = 19372.0 / 6561.0, a52 = -25360.0 / 2187.0, a53 = 64448.0 / 6561.0,
                        a54 = -212.0 / 729.0;
inline constexpr double a61 = 9017.0 / 3168.0, a62 = -355.0 / 33.0, a63 = 46732.0 / 5247.0,
                        a64 = 49.0 / 176.0, a65 = -5103.0 / 18656.0;
// 5th-order weights (b2 = 0).
inline constexpr double b1 = 35.0 / 384.0, b3 = 500.0 / 1113.0, b4 = 125.0 / 192.0,
                        b5 = -2187.0 / 6784.0, b6 = 11.0 / 84.0;
// b − b̂: 5th- minus 4th-order weights; e2 = 0, e7 weights the FSAL stage.
inline constexpr double e1 = 71.0 / 57600.0, e3 = -71.0 / 16695.0, e4 = 71.0 / 1920.0,
                        e5 = -17253.0 / 339200.0, e6 = 22.0 / 525.0, e7 = -1.0 / 40.0;

}  // namespace simorch::integrate_detail::dopri
