"""Which single node, knocked out, strands the most Kazakh-corridor crude?

Run: python examples/critical_nodes.py
"""

import pandas as pd

import transcaspian as tc


def main() -> pd.DataFrame:
    net = tc.load_network()
    crit = tc.criticality(net, commodity="crude", elements="nodes")
    top = crit.head(10)[["name", "country", "lost", "lost_share", "cost_change"]].copy()
    top["name"] = top["name"].str.split(" [(,]", regex=True).str[0]
    top["cost_change"] = top["cost_change"] / 1e6  # M USD/y (negative: less crude moved)
    with pd.option_context("display.width", 200, "display.max_columns", 10, "display.precision", 2):
        print(top)
    return crit


if __name__ == "__main__":
    main()
