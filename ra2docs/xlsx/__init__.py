"""RFP workbooks: export requirements and support matrices to xlsx, read vendors' answers back, compare vendors.

`export` writes a workbook, `answers` reads an answered one back and checks it, `compare` sets vendors side
by side. `workbook` holds the cell-writing helpers every writer here shares (safe text, styles, protection).
"""
