"""Solve every scenario in examples/scenarios and print one line per scenario.

Run: python examples/all_scenarios.py
"""

from pathlib import Path

import pandas as pd

import transcaspian as tc

SCENARIOS = Path(__file__).parent / "scenarios"


def main() -> pd.DataFrame:
    net = tc.load_network()
    rows = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        sc = tc.Scenario.from_yaml(path)
        res = tc.solve(net, sc)
        for c in res.commodities:
            rows.append({
                "scenario": sc.name,
                "commodity": c,
                "delivered": res.total_delivered.get(c, 0.0),
                "stranded": res.total_unserved.get(c, 0.0),
                "unit": tc.units.canonical_unit(c),
                "unit_cost": res.unit_cost.get(c),
                "cost_unit": tc.units.cost_unit(c),
                "co2_kt": res.co2_t / 1e3,
                "saturated": ", ".join(res.saturated["element"]),
            })
    table = pd.DataFrame(rows).set_index(["scenario", "commodity"])
    with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.precision", 2):
        print(table)
    return table


if __name__ == "__main__":
    main()
