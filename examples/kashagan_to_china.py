"""December 2025: how much Kashagan crude could the network send to China?

Run: python examples/kashagan_to_china.py
"""

from pathlib import Path

import transcaspian as tc

SCENARIOS = Path(__file__).parent / "scenarios"


def main() -> None:
    net = tc.load_network()
    sc = tc.Scenario.from_yaml(SCENARIOS / "kashagan_to_china.yaml")
    res = tc.solve(net, sc)
    row = res.unserved.loc[("crude", "kashagan")]
    print(sc.description.strip(), "\n")
    print(f"Kashagan supply {row['supply']:.2f} Mt/y: {row['delivered']:.2f} reach China, {row['unserved']:.2f} stranded.")
    print(f"(The actual December cargo was 0.05 Mt, i.e. {0.05 * 12:.1f} Mt/y if repeated every month.)\n")
    print("Kashagan routes:")
    for r in res.routes[res.routes["origin"] == "kashagan"].itertuples():
        print(f"  {r.volume:6.2f} Mt/y  {' > '.join(r.path)}")
    print("\nBinding capacities on the way east (extra Mt/y delivered per extra Mt/y):")
    for r in res.shadow_prices[res.shadow_prices["delivered_per_unit"] > 0].itertuples():
        print(f"  {r.element:32s} {r.capacity:6.2f} {r.unit}  +{r.delivered_per_unit:.2f}")
    print()
    print(tc.compare(tc.solve(net, tc.Scenario.from_yaml(SCENARIOS / "cpc_one_mooring.yaml")), res).lines[-1])


if __name__ == "__main__":
    main()
