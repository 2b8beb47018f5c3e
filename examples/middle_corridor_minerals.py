"""Rare earths and uranium to Europe across the Caspian, avoiding Russia.

Run: python examples/middle_corridor_minerals.py
"""

from pathlib import Path

import transcaspian as tc

SCENARIOS = Path(__file__).parent / "scenarios"


def main() -> None:
    net = tc.load_network()
    sc = tc.Scenario.from_yaml(SCENARIOS / "middle_corridor_minerals.yaml")
    res = tc.solve(net, sc)
    for c in res.commodities:
        print(f"{c}: delivered {res.total_delivered.get(c, 0):.2f} kt/y, stranded {res.total_unserved.get(c, 0):.2f} kt/y, "
              f"{res.unit_cost.get(c, float('nan')):.0f} USD/t")
    print("\nRoutes:")
    for r in res.routes.itertuples():
        print(f"  {r.commodity:11s} {r.volume:6.2f} kt/y  {' > '.join(r.path)}  ({r.time_days:.0f} days)")
    print("\nCO2 by mode (t/y):")
    print(res.emissions.round(1).to_string())
    fast = tc.solve(net, sc, objective="time")
    print(f"\nMinimising time instead of cost: {fast.meta['objective_value'] / 1e6:.2f} M tonne-days/y, "
          f"cost {fast.total_cost / 1e6:.2f} M USD/y (vs {res.total_cost / 1e6:.2f}).")


if __name__ == "__main__":
    main()
