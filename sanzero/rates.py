"""Rates as fractions that compare exactly and are shown honestly (DESIGN §5).

A ``Rate`` is a Decimal rounded to 4 places (what is stored and charted) that remembers its exact
numerator and denominator:

- comparisons with a target use the exact fraction (``meets``/``gap_to``): 4 of 5 is exactly 80%, so
  it meets an 80% target; 7,999 of 10,000 does not, although it rounds to 80.0%;
- the shown percentage (the 4-place rate to one decimal, as the Excel cell reads) never claims 100.0%
  while one subject fails, nor 0.0% while one passes: 9,999 of 10,000 shows 99.9%, 1 of 10,000 0.1%.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FOUR = Decimal("0.0001")


def _points(value: Decimal, digits: int) -> Decimal:
    """A fraction in percentage points, rounded half up to ``digits`` decimals (as a spreadsheet shows it)."""
    return (Decimal(value) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


class Rate(Decimal):
    """numerator / denominator, rounded to 4 places, with the exact fraction kept."""

    numerator: int
    denominator: int

    def __new__(cls, numerator: int, denominator: int):
        if denominator <= 0:
            raise ValueError("a rate needs a positive denominator")
        value = (Decimal(numerator) / Decimal(denominator)).quantize(FOUR, rounding=ROUND_HALF_UP)
        self = super().__new__(cls, value)
        self.numerator, self.denominator = int(numerator), int(denominator)
        return self

    @classmethod
    def of(cls, numerator: int, denominator: int) -> Rate | None:
        """A rate over an empty denominator is empty, never 0% (DESIGN §5)."""
        return cls(numerator, denominator) if denominator else None

    def __reduce__(self):
        return (type(self), (self.numerator, self.denominator))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    @property
    def exact(self) -> Decimal:
        """The fraction to 28 significant digits: exact whenever it terminates (a target has 4 places)."""
        return Decimal(self.numerator) / Decimal(self.denominator)

    def meets(self, target: Decimal | None) -> bool | None:
        """Reaches the target, exactly at it included."""
        if target is None:
            return None
        return Decimal(self.numerator) >= Decimal(target) * self.denominator

    def gap_to(self, target: Decimal | None) -> Decimal | None:
        """rate − target from the exact fraction; zero exactly when the rate equals the target."""
        if target is None:
            return None
        return self.exact - Decimal(target)

    def percent(self, digits: int = 1) -> Decimal:
        """The percentage as shown with ``digits`` decimals: the 4-place rate rounded half up (as a
        spreadsheet shows the same cell), but never 100 while a subject fails and never 0 while one passes."""
        step = Decimal(1).scaleb(-digits)
        shown = _points(self, digits)
        if shown >= 100 and self.numerator < self.denominator:
            return Decimal(100) - step
        if shown <= 0 < self.numerator:
            return step
        return shown

    def shown_fraction(self, digits: int = 1) -> Decimal:
        """The value for a spreadsheet cell formatted with ``digits`` percent decimals: the 4-place rate,
        except at the ends, where the cell would claim 100% (or 0%) that ``percent`` does not: 0.999, not
        0.9999, for 9,999 of 10,000 under "0.0%"."""
        value = Decimal(self)
        shown = self.percent(digits)
        if _points(value, digits) != shown:
            return shown / 100
        return value


def percent_text(value, digits: int = 1) -> str:
    """0.962 → 96.2%; an empty rate is —; a Rate is shown honestly (see the module docstring)."""
    if value is None or value == "":
        return "—"
    digits = int(digits)
    if isinstance(value, Rate):
        return f"{value.percent(digits)}%"
    return f"{_points(value, digits)}%"


def points_text(gap, digits: int = 1) -> str:
    """A rate difference in percentage points, rounded as percent_text rounds: +1.2 / −3.4 / ±0.0 (— when
    unknown). The sign is the exact difference's, so a rate just short of its target reads −0.0."""
    if gap is None:
        return "—"
    sign = "+" if gap > 0 else ("−" if gap < 0 else "±")
    return f"{sign}{abs(_points(gap, int(digits)))}"
