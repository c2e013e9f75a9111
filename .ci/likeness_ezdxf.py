#!/usr/bin/env python3
"""Runs the shared oracle render_ezdxf.py, unchanged, on one DXF and adds what the likeness test needs to its
JSON line:

- "extents": the world box ezdxf fitted to the page ([min_x, min_y, max_x, max_y]: the bounding box of its
  recorded drawing, Bézier control points included), so that cadlens renders the same extents;
- "black_png": when the picture on white has no ink although ezdxf drew something, the same drawing on black.
  ezdxf draws entities on layers missing from the LAYER table in white whatever the background (its default
  layer properties are not ACI 7 aware), which is invisible on white; on black the shapes can be compared.

usage: likeness_ezdxf.py RENDER_EZDXF_PY FILE OUT.png [--size WxH]
"""
import contextlib
import io
import json
import runpy
import sys

from ezdxf.addons.drawing import pymupdf

boxes = []
_get_replay = pymupdf.PyMuPdfBackend.get_replay


def _recording_get_replay(self, page, **kwargs):
    box = kwargs.get("render_box") or self.player().bbox()
    if box.has_data:
        boxes.append([box.extmin.x, box.extmin.y, box.extmax.x, box.extmax.y])
    return _get_replay(self, page, **kwargs)


pymupdf.PyMuPdfBackend.get_replay = _recording_get_replay


def render(script, args):
    """One run of render_ezdxf.py in this interpreter; its JSON result."""
    sys.argv = [script, *args]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(script, run_name="__main__")
    return json.loads(out.getvalue().strip().splitlines()[-1])


def has_ink(png_path):
    """Whether any pixel is darker than light grey (the likeness test's ink is at most 200)."""
    pix = pymupdf.pymupdf.Pixmap(png_path)
    samples, n = pix.samples, pix.n
    return any(min(samples[i:i + 3]) <= 200 for i in range(0, len(samples), n))


def main():
    script, dxf, png, *rest = sys.argv[1:]
    res = render(script, [dxf, png, *rest])
    res["extents"] = boxes[-1] if boxes else None
    res["black_png"] = None
    if res["error"] is None and res["extents"] is not None and not has_ink(png):
        black = png[: -len(".png")] + ".black.png"
        if render(script, [dxf, black, *rest, "--background", "black"])["error"] is None:
            res["black_png"] = black
    print(json.dumps(res))


if __name__ == "__main__":
    main()
