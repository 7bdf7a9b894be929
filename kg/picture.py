"""A neighbourhood as an SVG picture, laid out on the server with networkx.

Used by the ``kg serve`` pages and by ``kg nb NAME --svg FILE``: the same
function draws both. Nodes are coloured by class as in the GraphML export and
each one is a link (``link(iri)`` gives its address).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from kg.query import Node

WIDTH, HEIGHT, MARGIN = 900, 640, 70
MAX_NEIGHBOURS = 60


def _colours() -> dict[str, str]:
    from kg.export import COLOURS

    return COLOURS


def _short(label: str, n: int = 12) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def neighbour_graph(node: Node, limit: int = MAX_NEIGHBOURS):
    """The centre and its neighbours (at most ``limit``) as a networkx graph; and how many were left out."""
    import networkx as nx

    G = nx.MultiDiGraph()
    G.add_node(node.iri, label=node.label, type=node.type)
    others: dict[str, None] = {}
    left_out = set()
    for e in node.edges:
        if e.other not in others and len(others) >= limit:
            left_out.add(e.other)
            continue
        others[e.other] = None
        label = e.label.split(" [", 1)[0]
        G.add_node(e.other, label=label, type=e.type)
        s, o = (node.iri, e.other) if e.direction == "out" else (e.other, node.iri)
        G.add_edge(s, o, key=e.pred, label=e.pred)
    return G, len(left_out)


def layout(G, centre: str) -> dict[str, tuple[float, float]]:
    """Positions in the picture's pixels: a seeded spring layout with the centre in the middle (deterministic)."""
    import networkx as nx

    simple = nx.Graph(G)
    if len(simple) == 1:
        return {centre: (WIDTH / 2, HEIGHT / 2)}
    pos = nx.spring_layout(simple, pos={centre: (0.0, 0.0)}, fixed=[centre], seed=7, iterations=80)
    span = max(max(abs(x), abs(y)) for x, y in pos.values()) or 1.0
    sx, sy = (WIDTH / 2 - MARGIN) / span, (HEIGHT / 2 - MARGIN) / span
    return {n: (round(WIDTH / 2 + x * sx, 1), round(HEIGHT / 2 + y * sy, 1)) for n, (x, y) in pos.items()}


def svg(node: Node, link: Callable[[str], str] | None = None, limit: int = MAX_NEIGHBOURS) -> str:
    """The picture of ``node``'s neighbourhood as an SVG document."""
    colours = _colours()
    link = link or (lambda iri: iri)
    G, left_out = neighbour_graph(node, limit)
    pos = layout(G, node.iri)
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" font-size="12">'),
           f"<title>{escape(node.label)}: neighbourhood</title>",
           ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#999"/></marker></defs>'),
           '<rect width="100%" height="100%" fill="white"/>', '<g class="edges" stroke="#bbb">']
    radius = {n: (16 if n == node.iri else 9) for n in G}
    for s, o, pred in sorted(G.edges(keys=True)):
        (x1, y1), (x2, y2) = pos[s], pos[o]
        dx, dy = x2 - x1, y2 - y1
        d = max((dx * dx + dy * dy) ** 0.5, 1.0)
        ex, ey = x2 - dx / d * (radius[o] + 2), y2 - dy / d * (radius[o] + 2)
        out.append(f'<line x1="{x1}" y1="{y1}" x2="{ex:.1f}" y2="{ey:.1f}" marker-end="url(#arrow)">'
                   f"<title>{escape(G.nodes[s]['label'])} {escape(pred)} {escape(G.nodes[o]['label'])}</title></line>")
        out.append(f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#888" stroke="none" '
                   f'font-size="9" text-anchor="middle">{escape(pred)}</text>')
    out.append("</g>")
    out.append('<g class="nodes">')
    for n in sorted(G, key=lambda n: (n == node.iri, n)):  # the centre drawn last, on top
        data = G.nodes[n]
        x, y = pos[n]
        fill = colours.get(data["type"], "#7f7f7f")
        weight = ' font-weight="bold"' if n == node.iri else ""
        out.append(f'<a href="{escape(link(n))}" class="node" data-type="{escape(data["type"])}">'
                   f"<title>{escape(data['label'])} ({escape(data['type'])})</title>"
                   f'<circle cx="{x}" cy="{y}" r="{radius[n]}" fill="{fill}" stroke="#333" stroke-width="0.8"/>'
                   f'<text x="{x}" y="{y + radius[n] + 13:.1f}" text-anchor="middle"{weight}>'
                   f"{escape(_short(data['label']))}</text></a>")
    out.append("</g>")
    types = sorted({G.nodes[n]["type"] for n in G})
    for i, t in enumerate(types):
        out.append(f'<circle cx="14" cy="{16 + 16 * i}" r="5" fill="{colours.get(t, "#7f7f7f")}"/>'
                   f'<text x="24" y="{20 + 16 * i}">{escape(t)}</text>')
    if left_out:
        out.append(f'<text x="{WIDTH - 10}" y="{HEIGHT - 10}" text-anchor="end" fill="#666">'
                   f"+{left_out} more neighbours not drawn</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def picture_of(store, iri: str) -> str:
    """The picture of the entity ``iri`` (its one-step neighbourhood), nodes linked to their IRIs."""
    from kg.query import neighbourhood

    return svg(neighbourhood(store, iri, depth=1, evidence=False))


def write_svg(store, iri: str, path) -> None:
    """:func:`picture_of` into ``path``, atomically; a clear error when it cannot be written."""
    from kg.atomic import atomic_write_text
    from kg.errors import KgError

    try:
        atomic_write_text(path, picture_of(store, iri))
    except OSError as err:
        raise KgError(f"{path}: cannot write the picture ({err.strerror or err}).") from err
