"""Labels: one layout in printer dots (model.py, layouts.py), translated by each renderer.

Renderers: zpl.py (Zebra ZPL II, native barcodes), zpl_raster.py (^GFA graphics), pdf.py (reportlab,
vector), png.py (Pillow preview), escpos.py (80 mm receipt printers).
"""
