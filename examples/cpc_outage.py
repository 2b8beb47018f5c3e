"""The headline case: the CPC marine terminal at Novorossiysk loads nothing.

Solves the 2025 baseline and the outage, prints what moved where, what is stranded and
what the binding capacities are worth. Run: python examples/cpc_outage.py
"""

from pathlib import Path

import transcaspian as tc

SCENARIOS = Path(__file__).parent / "scenarios"


def main() -> None:
    net = tc.load_network()
    base = tc.solve(net, tc.Scenario.from_yaml(SCENARIOS / "baseline.yaml"))
    out = tc.solve(net, tc.Scenario.from_yaml(SCENARIOS / "cpc_outage.yaml"))
    print(tc.compare(base, out))

    print("\nWhere the Kazakh crude still goes (largest routes):")
    kaz = out.routes[out.routes["countries"].map(lambda cs: cs[0] == "KAZ")]
    for r in kaz.head(8).itertuples():
        print(f"  {r.volume:6.2f} {r.unit}  {' > '.join(r.path)}  ({r.unit_cost:.1f} {r.cost_unit})")

    print("\nWhat one more unit of capacity is worth (binding elements):")
    for r in out.shadow_prices.head(6).itertuples():
        print(f"  {r.element:32s} +{r.delivered_per_unit:.2f} delivered per {r.unit}, saves {r.usd_per_unit / 1e6:.1f} M USD/y")


if __name__ == "__main__":
    main()
