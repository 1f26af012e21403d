"""Incidents: containment, the breach risk assessment of 45 CFR 164.402(2), notification deadlines
(164.404-164.408), notices, sanctions (164.530(e)) and penalty exposure."""
