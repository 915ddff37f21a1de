"""Helpers to build device-tree sources for record-arm64 in the style of the shared cases:
QEMU's own virt tree for the config (tools/arm64-base/CONFIG.dts, from
`record-arm64 --print-base CONFIG`) plus /memreserve/ lines, a /reserved-memory node
inserted before /chosen, and extra /chosen properties. Root cells are 2/2."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def base(config):
    with open(os.path.join(HERE, "arm64-base", config + ".dts")) as f:
        return f.read()


def cells(*vals):
    """64-bit values as pairs of 32-bit cells."""
    out = []
    for v in vals:
        out += ["0x%x" % (v >> 32), "0x%x" % (v & 0xffffffff)]
    return "<" + " ".join(out) + ">"


def raw(*c):
    return "<" + " ".join("0x%x" % x for x in c) + ">"


def prop(name, value=None):
    if value is None or value is True:
        return "%s;" % name
    if isinstance(value, str) and not value.startswith("<") and not value.startswith('"'):
        value = '"%s"' % value
    return "%s = %s;" % (name, value)


class Node:
    def __init__(self, name, *props, children=()):
        self.name = name
        self.props = list(props)
        self.children = list(children)

    def text(self, depth):
        t = "\t" * depth
        s = [t + self.name + " {"]
        s += [t + "\t" + p for p in self.props]
        for c in self.children:
            s.append(c.text(depth + 1))
        s.append(t + "};")
        return "\n".join(s)


def static(name, addr, size, nomap=False, compat=None, extra=()):
    p = [prop("reg", cells(addr, size))]
    if compat:
        p.append(prop("compatible", compat))
    if nomap:
        p.append(prop("no-map"))
    return Node(name, *(p + list(extra)))


def dynamic(name, size, align=None, ranges=None, nomap=False, reusable=False, compat=None,
            extra=()):
    p = [prop("size", cells(size))]
    if align is not None:
        p.append(prop("alignment", cells(align)))
    if ranges:
        p.append(prop("alloc-ranges", cells(*[v for r in ranges for v in r])))
    if compat:
        p.append(prop("compatible", compat))
    if reusable:
        p.append(prop("reusable"))
    if nomap:
        p.append(prop("no-map"))
    return Node(name, *(p + list(extra)))


def rmem_node(children, header=None, name="reserved-memory"):
    hdr = header if header is not None else [
        "#address-cells = <0x02>;", "#size-cells = <0x02>;", "ranges;"]
    return Node(name, *hdr, children=children)


def build(config, children=None, memreserve=(), chosen=(), header=None, rmem_name="reserved-memory",
          root_nodes=(), memory_props=None, no_rmem=False):
    """Return dts text. children: list of Node for /reserved-memory (None + no_rmem: no node).
    memreserve: [(addr, size)]. chosen: extra /chosen property strings.
    root_nodes: extra Node objects at the root (before /chosen).
    memory_props: replace the body of the root memory node(s) with these property strings."""
    s = base(config)
    if memreserve:
        lines = "".join("/memreserve/ 0x%x 0x%x;\n" % (a, n) for a, n in memreserve)
        s = s.replace("/dts-v1/;\n", "/dts-v1/;\n" + lines, 1)
    if memory_props is not None:
        import re
        s = re.sub(r"(\tmemory@[0-9a-f]+ \{\n)(.*?)(\t\};\n)",
                   lambda m: m.group(1) + "".join("\t\t%s\n" % p for p in memory_props) + m.group(3),
                   s, flags=re.S)
    ins = ""
    for n in root_nodes:
        ins += n.text(1) + "\n"
    if not no_rmem:
        ins += rmem_node(children or [], header, rmem_name).text(1) + "\n"
    s = s.replace("\tchosen {\n", ins + "\tchosen {\n", 1)
    if chosen:
        s = s.replace("\tchosen {\n", "\tchosen {\n" + "".join("\t\t%s\n" % c for c in chosen), 1)
    return s


def spec(config, dts, cmdline="", **kw):
    d = {"config": config, "cmdline": cmdline, "dts": dts}
    d.update(kw)
    return d
