"""The analysts' Neo4j Browser guide: the model, the keys, and every query one click away.

Played in Browser with `:guide http://127.0.0.1:8000/guides/analyst` (served by the API,
`api/routers/guides.py`). It is Browser's HTML guide format, which Browser 5 plays for a URL
without a `.md` suffix: `<slide>` elements, each rendered as one page of the guide, and
`pre.runnable` blocks that put their text into the editor on a click. Every query slide is one
`.cypher` file of the package: its leading comment is the text, its `:param` header becomes
one `:params {…}` block prefilled for the recall demo, its statement the query block.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape

from trace_engine.graph.catalog import Query, query
from trace_engine.guides.params import description, documented_params, params_command, statement

TITLE = "Trace Engine for analysts"


@dataclass(frozen=True, slots=True)
class Slide:
    """A page of the guide: a title, some HTML, and the queries it runs (in order)."""

    title: str
    html: str
    queries: tuple[Query, ...] = ()


MODEL = """
<p>Every EPCIS event is an <code>(:Event)</code> node with <code>eventType</code>,
<code>action</code>, <code>bizStep</code>, <code>eventTime</code> (UTC), <code>raw</code> (the
event as captured, EPCIS 2.0 JSON-LD) and <code>owner</code>: the organisation whose API key
captured it.</p>
<ul>
<li><code>(:ProductInstance)</code> a lot, a serial or a logistic unit (SSCC), with its dates
(<code>sellByDate</code>, <code>harvestStartDate</code>, …);
<code>-[:INSTANCE_OF]-&gt;(:Product)</code>.</li>
<li><code>(:Facility)</code> with name, type and address; <code>(:Party)</code> owning and
possessing parties.</li>
<li>From events: <code>OBSERVED</code>, <code>INPUT</code>, <code>OUTPUT</code>,
<code>PARENT</code>, <code>CHILD</code> (with <code>quantity</code>, <code>uom</code>),
<code>AT</code> (bizLocation), <code>READ_POINT</code>, <code>SOURCE</code> /
<code>DESTINATION</code>, <code>HAS_PAYLOAD</code>.</li>
<li>Lineage, made at capture:
<code>(:ProductInstance)-[:TRANSFORMED_INTO]-&gt;(:ProductInstance)</code> for each
input/output of a transformation, <code>-[:CONTAINS]-&gt;</code> for each
parent/child of an aggregation. Their <code>orgs</code> list the organisations whose events
made them: the API walks only edges the caller may see; here you see everything.</li>
<li><code>(:Alias)-[:ALIAS_OF]-&gt;(node)</code> every other form an identifier arrived in.</li>
<li><code>(:Org)-[:SHARES_WITH]-&gt;(:Org)</code> sharing; API keys, records and journeys carry
their <code>org</code>.</li>
</ul>
"""

KEYS = """
<p>An identifier may arrive as an EPC URN (<code>urn:epc:class:lgtin:…</code>), an IBM Food
Trust URN or a GS1 Digital Link (<code>https://id.gs1.org/01/…/10/…</code>). All forms of one
thing are one node, keyed by its GS1 Application Identifier path: <code>01/{gtin14}/10/{lot}</code>,
<code>01/{gtin14}/21/{serial}</code>, <code>00/{sscc}</code>, <code>414/{gln}</code>. Every query
here takes the form you have (it looks it up through <code>Alias</code>) or the key.</p>
"""

INTRO = """
<p>The recall demo is loaded: farm B's romaine lot
<code>urn:epc:class:lgtin:0860002.010001.PVG240502R</code> carried <i>E. coli</i> into two
Spring Mix lots and a Caesar kit, which reached three stores.</p>
<p>On each slide, click the <code>:params</code> block, run it, then click the query and run
it. Each query is a file of the package (<code>cypher/analyst/</code>, or the engine's own
<code>cypher/trace.cypher</code>): the same text, the same parameters.</p>
"""


SLIDES: tuple[Slide, ...] = (
    Slide(TITLE, INTRO),
    Slide("The graph model", MODEL, (Query.ANALYST_GRAPH_MODEL,)),
    Slide("How identifiers become keys", KEYS, (Query.ANALYST_IDENTIFIER_FORMS,)),
    Slide(
        "The trace itself",
        "<p>The query the API runs for <code>GET /api/v1/traces</code>, in one round trip; "
        "the API then keeps what the caller's organisation may see and applies direction, "
        "depth and the time window.</p>",
        (Query.TRACE,),
    ),
    Slide("Upstream only: where it came from", "", (Query.ANALYST_TRACE_UP,)),
    Slide(
        "Downstream only: where it went",
        "<p>Then the same lineage as a picture (switch to the graph view).</p>",
        (Query.ANALYST_TRACE_DOWN, Query.ANALYST_RECALL_GRAPH),
    ),
    Slide("The stores a lot reached", "", (Query.ANALYST_STORES_REACHED,)),
    Slide("Every facility a lot passed through", "", (Query.ANALYST_FACILITIES_OF_LOT,)),
    Slide("The events of a facility on a day", "", (Query.ANALYST_FACILITY_EVENTS_ON_DAY,)),
    Slide("Lots sharing an input (siblings)", "", (Query.ANALYST_SIBLINGS,)),
    Slide("Recall impact", "", (Query.ANALYST_RECALL_IMPACT,)),
    Slide("The FSMA 204 CTE of each event", "", (Query.ANALYST_FSMA_CTE_OF_TRACE,)),
    Slide("The farms behind a shipment", "", (Query.ANALYST_FARMS_BEHIND_SHIPMENT,)),
)


def _runnable(text: str) -> str:
    return f'<pre class="runnable">{escape(text)}</pre>'


def _query_html(name: Query) -> str:
    text = query(name)
    parts = [f"<p>{escape(description(text))}</p>"] if description(text) else []
    params = documented_params(text)
    if params:
        parts.append(_runnable(params_command(params)))
    parts.append(_runnable(statement(text)))
    parts.append(f"<p><small>cypher/{escape(name.value)}.cypher</small></p>")
    return "\n".join(parts)


def _slide_html(slide: Slide) -> str:
    body = [f"<h3>{escape(slide.title)}</h3>", slide.html.strip()]
    body += [_query_html(name) for name in slide.queries]
    return (
        '<slide class="row-fluid">\n<div class="col-sm-12">\n'
        + "\n".join(body)
        + "\n</div>\n</slide>"
    )


@cache
def guide_html() -> str:
    """The whole guide, as Neo4j Browser's HTML guide format."""
    slides = "\n".join(_slide_html(slide) for slide in SLIDES)
    return (
        '<!doctype html>\n<html><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)}</title></head>\n<body>\n"
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        f"{slides}\n</carousel>\n</article>\n</body></html>\n"
    )


def guide_queries() -> list[Query]:
    """Every query the guide plays, in order."""
    return [name for slide in SLIDES for name in slide.queries]
