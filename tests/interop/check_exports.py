"""Reads kgq's exports back with the tools they are for, and checks they agree with kgq.

    python check_exports.py KGQ [DATA]

KGQ is the kgq binary; DATA a --data source (default: the built-in graph, which also gets
the checks of named entities and paths). The packages are pinned in requirements.txt
beside this file. Checks:

- GraphML: networkx and python-igraph read the whole graph with kgq's node and edge
  counts (parallel relations are edges of their own), typed attribute values for a sample,
  and an answer's export holds what the answer shows.
- Neo4j: the neo4j-admin CSV files, read with neo4j-admin's rules (typed header columns,
  arrays split on the delimiter import.sh passes), are loaded into Kuzu; the relation
  counts per kind, and shortest-path lengths between sample pairs, agree with kgq's. Every
  statement of import.cypher parses with an openCypher grammar (antlr4-cypher), except the
  uniqueness constraint, which is Neo4j's own schema syntax, not openCypher; and the
  script makes as many nodes and relations of each kind as the CSV files hold.
- FtM: every line builds a followthemoney proxy under its schema, with properties the
  schema has; for the shipped graph every value is already in FtM's clean form (other
  data may hold what FtM's cleaning squashes: the count is printed); every entity a
  property names exists and is of a schema the property accepts (so edge endpoints exist);
  `ftm validate` reads and writes the stream again (unchanged, for the shipped graph).

Prints one line per check and exits 1 at the first failure.
"""

import csv
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

KGQ = sys.argv[1]
DATA = sys.argv[2:3]
SHIPPED = not DATA

# Pairs whose shortest-path lengths Kuzu and kgq must agree on (ids of the shipped graph).
PAIRS = [
    ("poland", "munitions-industry-department"),
    ("rite-mix", "north-korea"),
    ("malta", "russia"),
    ("kuwait", "un-security-council"),
]


def kgq(*args):
    data = ["--data", DATA[0]] if DATA else []
    done = subprocess.run([KGQ, *data, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"kgq {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def check(what, ok, detail=""):
    if not ok:
        sys.exit(f"FAIL {what}: {detail}")
    print(f"ok   {what}")


def graphml(out, stats):
    import igraph
    import networkx

    path = out / "graph.graphml"
    kgq("export", "-o", str(path))
    g = networkx.read_graphml(path)
    check("networkx reads every entity", g.number_of_nodes() == stats["entities"], g.number_of_nodes())
    check("networkx reads every relation as an edge", g.number_of_edges() == stats["relations"], g.number_of_edges())
    ig = igraph.Graph.Read_GraphML(str(path))
    check("igraph reads the same counts", (ig.vcount(), ig.ecount()) == (stats["entities"], stats["relations"]))
    rels = Counter(ig.es["rel"])
    check("igraph relation kinds", rels == Counter(dict(stats["relations_by_rel"])), rels)
    if not SHIPPED:
        return
    node = g.nodes["rite-mix"]
    check("networkx node attributes", (node["kind"], node["name"]) == ("company", "Rite Mix"), node)
    typed = [d for _, _, d in g.edges(data=True) if "headcount" in d]
    check("networkx reads long attributes as int", typed and all(type(d["headcount"]) is int for d in typed), typed[:1])
    directed = {d["directed"] for _, _, d in g.edges(data=True)}
    check("networkx reads booleans", directed == {True, False}, directed)
    evidence = json.loads(node["evidence"])
    check("evidence is a JSON array", evidence and {"source", "line", "quote"} <= set(evidence[0]), evidence)
    v = ig.vs.find(id="rite-mix")
    check("igraph node attributes", (v["kind"], v["name"]) == ("company", "Rite Mix"), v.attributes())
    # An answer's export holds what it shows: the relations `show` lists, each apart.
    answer = out / "answer.graphml"
    kgq("export", "--query", 'show "Rite Mix"', "-o", str(answer))
    shown = json.loads(kgq("query", 'show "Rite Mix"', "--format", "json"))["rows"]
    a = networkx.read_graphml(answer)
    check("an answer's GraphML holds its relations", a.number_of_edges() == len(shown), (a.number_of_edges(), len(shown)))


NEO4J_TYPES = {"string": "STRING", "long": "INT64", "double": "DOUBLE", "boolean": "BOOLEAN"}


def read_neo4j_csv(path, delimiter):
    """Rows of a neo4j-admin CSV file as {column: value}, typed as its header says; empty
    fields are absent (neo4j-admin's default), arrays are split on the delimiter."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = []
        for h in header:
            # `:LABEL` is an array; other `:X` columns and `id:ID` are strings.
            name, _, kind = h.rpartition(":") if ":" in h else (h, "", "string")
            if not name:
                name, kind = h, "string[]" if h == ":LABEL" else "string"
            columns.append((name, "string" if kind == "ID" else kind))
        for row in reader:
            record = {}
            for (name, kind), cell in zip(columns, row):
                if cell == "":
                    continue
                base, array = kind.rstrip("[]"), kind.endswith("[]")
                parse = {"long": int, "double": float, "boolean": lambda s: s == "true"}.get(base.lower(), str)
                record[name] = [parse(x) for x in cell.split(delimiter)] if array else parse(cell)
            yield header, record


def kuzu_type(header_cell):
    _, _, kind = header_cell.rpartition(":")
    base = NEO4J_TYPES.get(kind.rstrip("[]"), "STRING")
    return base + ("[]" if kind.endswith("[]") else "")


def neo4j(out, stats):
    import kuzu

    folder = out / "neo4j"
    kgq("export", "--format", "neo4j", "-o", str(folder))
    script = (folder / "import.sh").read_text()
    delimiter = re.search(r"--array-delimiter=(\S+)", script).group(1).strip("'")
    if delimiter.startswith("U+"):
        delimiter = chr(int(delimiter[2:], 16))
    node_files = re.findall(r"--nodes=(\S+)", script)
    rel_files = re.findall(r"--relationships=(\S+)", script)
    check("import.sh names every file", sorted(node_files + rel_files + ["import.cypher", "import.sh"])
          == sorted(p.name for p in folder.iterdir()))
    db = kuzu.Database(str(out / "kuzu"))
    conn = kuzu.Connection(db)
    label_of = {}
    for name in node_files:
        rows = list(read_neo4j_csv(folder / name, delimiter))
        header = rows[0][0]
        labels = rows[0][1][":LABEL"]
        table = [label for label in labels if label != "Entity"][0]
        columns = ", ".join(f"`{h.split(':')[0]}` {kuzu_type(h)}" for h in header if not h.startswith(":") and h != "id:ID")
        conn.execute(f"CREATE NODE TABLE `{table}`(id STRING, {columns}, PRIMARY KEY(id))")
        for _, record in rows:
            record["id"] = record.pop("id")
            del record[":LABEL"]
            label_of[record["id"]] = table
            props = ", ".join(f"`{k}`: ${k}" for k in record)
            conn.execute(f"CREATE (:`{table}` {{{props}}})", record)
    for name in rel_files:
        rows = list(read_neo4j_csv(folder / name, delimiter))
        header = rows[0][0]
        kind = rows[0][1][":TYPE"]
        pairs = sorted({(label_of[r[":START_ID"]], label_of[r[":END_ID"]]) for _, r in rows})
        ends = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in pairs)
        columns = "".join(f", `{h.split(':')[0]}` {kuzu_type(h)}" for h in header if not h.startswith(":"))
        conn.execute(f"CREATE REL TABLE `{kind}`({ends}{columns})")
        for _, r in rows:
            a, b = r.pop(":START_ID"), r.pop(":END_ID")
            del r[":TYPE"]
            props = ", ".join(f"`{k}`: ${k}" for k in r)
            conn.execute(
                f"MATCH (a:`{label_of[a]}` {{id: $a_}}), (b:`{label_of[b]}` {{id: $b_}}) CREATE (a)-[:`{kind}` {{{props}}}]->(b)",
                {**r, "a_": a, "b_": b},
            )
    nodes = conn.execute("MATCH (n) RETURN count(*)").get_next()[0]
    check("Kuzu holds every entity", nodes == stats["entities"], nodes)
    for kind, count in stats["relations_by_rel"]:
        got = conn.execute(f"MATCH ()-[r:`{kind}`]->() RETURN count(*)").get_next()[0]
        check(f"Kuzu counts {kind} relations as kgq does ({count})", got == count, got)
    for a, b in PAIRS if SHIPPED else []:
        answer = json.loads(kgq("query", f"path {a} to {b} max 12 with commentary", "--format", "json"))
        want = answer["rows"][0]["path"]["length"] if answer["rows"] else None
        found = conn.execute(
            "MATCH p = (a {id: $a})-[* SHORTEST 1..12]-(b {id: $b}) RETURN length(p)", {"a": a, "b": b}
        )
        got = found.get_next()[0] if found.has_next() else None
        check(f"Kuzu's shortest path {a} to {b} is kgq's ({want} hops)", got == want, got)
    cypher(folder, stats)


def cypher(folder, stats):
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4_cypher import CypherLexer, CypherParser

    class Errors(ErrorListener):
        def __init__(self):
            self.found = []

        def syntaxError(self, recognizer, symbol, line, column, msg, e):
            self.found.append(f"{line}:{column}: {msg}")

    statements = [s for s in (folder / "import.cypher").read_text().splitlines() if s and not s.startswith("//")]
    check("import.cypher starts with the id constraint", statements[0].startswith("CREATE CONSTRAINT"))
    merges, creates = 0, Counter()
    for number, statement in enumerate(statements[1:], start=3):
        errors = Errors()
        lexer = CypherLexer(InputStream(statement))
        parser = CypherParser(CommonTokenStream(lexer))
        for part in (lexer, parser):
            part.removeErrorListeners()
            part.addErrorListener(errors)
        parser.script()
        if errors.found:
            check(f"import.cypher line {number} is openCypher", False, errors.found)
        if statement.startswith("MERGE"):
            merges += 1
        else:
            creates[re.search(r"CREATE \(a\)-\[:`((?:[^`]|``)*)`", statement).group(1)] += 1
    check(f"every statement of import.cypher parses as openCypher ({len(statements) - 1})", True)
    check("import.cypher makes every entity", merges == stats["entities"], merges)
    check("import.cypher makes every relation", creates == Counter(dict(stats["relations_by_rel"])), creates)


def ftm(out, stats):
    from followthemoney import model
    from followthemoney.types import registry

    path = out / "graph.ftm.json"
    kgq("export", "-o", str(path))
    entities = [json.loads(line) for line in path.read_text().splitlines()]
    by_id, changed = {}, 0
    for data in entities:
        schema = model.get(data["schema"])
        if schema is None or schema.abstract:
            check(f"{data['id']} has a schema FtM instantiates", False, data["schema"])
        raw = model.get_proxy(data, cleaned=True)
        proxy = model.get_proxy(data, cleaned=False)
        cleaned = proxy.to_dict()["properties"]
        if cleaned != data["properties"]:
            changed += 1
            # The shipped graph's text is already clean; other data may hold what FtM's
            # cleaning drops or squashes (control characters, line breaks in names).
            if SHIPPED:
                check(f"{data['id']} is in FtM's clean form under {schema.name}", False, cleaned)
        for name in data["properties"]:
            if schema.get(name) is None:
                check(f"{data['id']}: {schema.name} has a property {name}", False)
        if raw.id != data["id"]:
            check(f"{data['id']} keeps its id", False, raw.id)
        by_id[data["id"]] = proxy
    check(f"followthemoney builds every entity ({len(entities)}; cleaning changes {changed})", len(by_id) == len(entities))
    for proxy in by_id.values():
        for prop, value in proxy.itervalues():
            if prop.type.name != "entity":
                continue
            target = by_id.get(value)
            if target is None or not target.schema.is_a(prop.range):
                check(f"{proxy.id}: {prop.name} names an entity of {prop.range.name}", False, value)
    check("every entity a property names exists and fits its range", True)
    # Ids are kgq's (`kgq-ID`), or `kgq.NAME.HASH` where a name holds what FtM refuses in an id.
    refused = [p.id for p in by_id.values() if registry.entity.clean(p.id) != p.id]
    check("every id is one FtM accepts, so no link or proof to it is dropped", not refused, refused[:3])
    interval = model.get("Interval")
    source = lambda p: p.schema.name == "Document" and p.id.startswith(("kgq-source.", "kgq.source."))
    country = lambda p: p.schema.name == "UnknownLink" and p.get("role") == ["country"]
    things = [p for p in by_id.values() if not p.schema.is_a(interval) and not source(p)]
    check("every kgq entity is an FtM thing", len(things) == stats["entities"], len(things))
    relations = [p for p in by_id.values() if p.schema.is_a(interval) and not country(p)]
    check("every kgq relation is an FtM interval", len(relations) == stats["relations"], len(relations))
    # The `ftm` command line parses and writes the stream again; the shipped graph's comes
    # back as it went in.
    validated = out / "validated.ftm.json"
    ftm_cli = Path(sys.executable).parent / "ftm"
    subprocess.run([str(ftm_cli), "validate", "-i", str(path), "-o", str(validated)], check=True)
    back = [json.loads(line) for line in validated.read_text().splitlines()]
    check("ftm validate keeps every entity", len(back) == len(entities), len(back))
    if SHIPPED:
        def as_sets(stream):
            return {e["id"]: (e["schema"], {k: set(v) for k, v in e["properties"].items()}) for e in stream}

        check("ftm validate writes the stream back unchanged", as_sets(back) == as_sets(entities))


def main():
    stats = json.loads(kgq("stats", "--format", "json"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        graphml(out, stats)
        neo4j(out, stats)
        ftm(out, stats)
    print("all exports read back")


main()
