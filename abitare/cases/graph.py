"""A picture of a case's graph for authors: situations by step, endings coloured by outcome."""

from __future__ import annotations

import io

from abitare.cases.schema import Case

__all__ = ["case_graph_svg"]

_OUTCOME_COLOURS = {"positive": "#2e7d32", "mixed": "#b26a00", "negative": "#b3261e"}


def case_graph_svg(case: Case) -> str:
    """The graph as an SVG document (no external resources)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    data = case.data
    graph = nx.DiGraph()
    for node_id, node in data.nodes.items():
        graph.add_node(node_id)
        for choice in node.choices:
            graph.add_edge(node_id, choice.to, guarded=choice.when is not None)
    depth = nx.single_source_shortest_path_length(graph, data.start)
    deepest = max(depth.values(), default=0)
    for node_id in graph.nodes:
        graph.nodes[node_id]["layer"] = deepest + 1 if node_id in data.endings else depth.get(node_id, 0)
    pos = nx.multipartite_layout(graph, subset_key="layer")
    width = max(8.0, 2.2 * (deepest + 2))
    height = max(5.0, 0.9 * max(sum(1 for n in graph if graph.nodes[n]["layer"] == k) for k in range(deepest + 2)))
    fig, ax = plt.subplots(figsize=(width, height))
    recommended = set(zip(data.recommended, data.recommended[1:], strict=False))
    plain = [(a, b) for a, b, d in graph.edges(data=True) if (a, b) not in recommended and not d["guarded"]]
    guarded = [(a, b) for a, b, d in graph.edges(data=True) if (a, b) not in recommended and d["guarded"]]
    nx.draw_networkx_edges(graph, pos, edgelist=plain, ax=ax, edge_color="#9aa4ae", arrows=True, node_size=1800)
    nx.draw_networkx_edges(
        graph, pos, edgelist=guarded, ax=ax, edge_color="#9aa4ae", style="dashed", arrows=True, node_size=1800
    )
    nx.draw_networkx_edges(
        graph,
        pos,
        edgelist=list(recommended),
        ax=ax,
        edge_color="#1d5c8f",
        width=2.5,
        arrows=True,
        node_size=1800,
    )
    colours = [_OUTCOME_COLOURS[data.endings[n].outcome] if n in data.endings else "#e3ebf3" for n in graph.nodes]
    nx.draw_networkx_nodes(graph, pos, ax=ax, node_color=colours, node_size=1800, edgecolors="#1d5c8f")
    labels = {n: n.replace("-", "\n") for n in graph.nodes}
    nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=7)
    ax.set_title(
        f"{data.title} — blu: percorso consigliato; tratteggio: scelta con condizione; "
        "finali: verde positivo, arancio in parte, rosso negativo",
        fontsize=9,
    )
    ax.axis("off")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
