"""Writes assets/bracket.dxf: the drawing of result-schema-2.md §12, made with ezdxf (MIT).

    python3 -m venv /tmp/ez && /tmp/ez/bin/pip install ezdxf==1.4.5
    /tmp/ez/bin/python assets/make_bracket.py

Model space: an 80 x 50 mm plate outline, a D10 hole, a half-circle arc, a centre line and a label.
Paper space, layout "A4 Sheet": a border, a title-block insert with one attribute and a scale note.
ezdxf's fixed test metadata (timestamps J2000, fixed GUIDs) and a pinned hash seed make the output
byte-for-byte reproducible.
"""
import os
import pathlib
import sys

# Dictionary order inside ezdxf depends on string hashing: pin it so two runs write the same bytes.
if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

import ezdxf
from ezdxf.enums import TextEntityAlignment

OUT = pathlib.Path(__file__).with_name("bracket.dxf")

ezdxf.options.write_fixed_meta_data_for_testing = True
doc = ezdxf.new("R2018", setup=["linetypes"])
doc.units = ezdxf.units.MM
layers = doc.layers
layers.add("CUT", color=1, lineweight=35)
layers.add("CENTER", color=3, linetype="CENTER", lineweight=18)
layers.add("NOTES", color=7)
layers.add("BORDER", color=8, lineweight=50)
layers.add("TITLE", color=7)

msp = doc.modelspace()
msp.add_lwpolyline([(0, 0), (80, 0), (80, 50), (0, 50)], close=True, dxfattribs={"layer": "CUT"})
msp.add_circle((20, 25), 5, dxfattribs={"layer": "CUT"})
msp.add_arc((60, 25), 10, 0, 180, dxfattribs={"layer": "CUT"})
msp.add_line((12, 25), (28, 25), dxfattribs={"layer": "CENTER", "color": 3, "linetype": "CENTER", "lineweight": 18})
msp.add_text("BRACKET-01", height=3.5, dxfattribs={"layer": "NOTES", "style": "Standard"}).set_placement((5, 5))

title = doc.blocks.new("TB-A4")
title.add_lwpolyline([(-100, 0), (0, 0), (0, 30), (-100, 30)], close=True, dxfattribs={"layer": "TITLE", "color": 0})
title.add_attdef("DWGNO", (-95, 5), dxfattribs={"height": 5, "layer": "TITLE"})

doc.layouts.rename("Layout1", "A4 Sheet")
sheet = doc.layouts.get("A4 Sheet")
sheet.add_lwpolyline([(10, 10), (287, 10), (287, 200), (10, 200)], close=True, dxfattribs={"layer": "BORDER"})
ref = sheet.add_blockref("TB-A4", (287, 10), dxfattribs={"layer": "TITLE"})
ref.add_auto_attribs({"DWGNO": "BR-01"})
sheet.add_text("SCALE 1:1", height=5, dxfattribs={"layer": "TITLE"}).set_placement((200, 20), align=TextEntityAlignment.LEFT)
if "Layout2" in doc.layouts:
    doc.layouts.delete("Layout2")

doc.saveas(OUT)
print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
