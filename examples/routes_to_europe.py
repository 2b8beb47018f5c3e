"""The best routes for Kashagan crude to Europe: cheapest, fastest, and avoiding Russia.

Run: python examples/routes_to_europe.py
"""

import transcaspian as tc


def show(title: str, routes: list) -> None:
    print(title)
    if not routes:
        print("  (no route)")
    for i, r in enumerate(routes, 1):
        print(f"  {i}. {r}")
        print(f"     via {', '.join(r.countries)}; modes {', '.join(dict.fromkeys(r.modes))}")


def main() -> None:
    net = tc.load_network()
    show("Cheapest (USD/t):", tc.find_routes(net, "Kachagan", "europe", commodity="crude", k=3, weight="cost"))
    show("Fastest (days):", tc.find_routes(net, "kashagan", "europe", commodity="crude", k=3, weight="time"))
    show("Avoiding Russia:", tc.find_routes(net, "kashagan", "europe", commodity="crude", k=3, avoid_countries=["RUS"]))
    down = tc.Scenario.from_yaml(__import__("pathlib").Path(__file__).parent / "scenarios" / "cpc_outage.yaml").apply(net)
    show("With the CPC terminal out:", tc.find_routes(down, "kashagan", "europe", commodity="crude", k=3))


if __name__ == "__main__":
    main()
