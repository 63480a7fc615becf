/* ra2docs: filter, sort and page the big tables with the bundled DataTables (vendor/datatables).
 *
 * Tables stay plain HTML: without JavaScript every row is there, scrolling inside its box with the
 * header and first column kept in view. With it, each box marked `ra2-filterable` gets a filter field,
 * sortable headers and (past PAGE_FROM rows) pages. The scrolling box is kept around the table, so the
 * sticky header still works, and the controls sit above it.
 *
 * Printing: a matrix of more than RA2_PRINT_COLUMNS components (the `ra2docs_print_columns` setting, as in the
 * PDF) is printed as several tables of balanced width, each repeating the row header column and captioned
 * "Columns i–j of n", so every column is kept at a readable width; the parts exist only while printing.
 * A paged table prints every row its filter keeps, not only the page on screen (with the filter's
 * "filtered from" line when a filter is set), and goes back to its page afterwards. Both happen on
 * `beforeprint` and when the print media query starts to match (print preview, emulated print media).
 */
(function () {
  "use strict";
  var PAGE_FROM = 200;

  function enhance(box) {
    // a table made through docutils nodes sits in the theme's wrapper (furo: div.table-wrapper)
    var table = box.querySelector(":scope > table, :scope > .table-wrapper > table");
    if (!table || !table.tBodies.length || !window.DataTable || box.classList.contains("ra2-enhanced")) {
      return;
    }
    var rows = table.tBodies[0].rows.length;
    if (rows < 8) { return; }
    var wrapper = table.parentNode !== box ? table.parentNode : null;
    var paged = rows > PAGE_FROM;
    var spans = table.querySelector("td[colspan], td[rowspan], th[rowspan]");
    if (spans) { return; }  // DataTables needs one cell per column in each body row
    new window.DataTable(table, {
      paging: paged, pageLength: 100, lengthMenu: [25, 100, 250, { label: "All", value: -1 }],
      order: [], autoWidth: false, info: true, searchHighlight: false,
      language: { search: "Filter rows:", info: "_START_–_END_ of _TOTAL_ rows",
                  infoFiltered: "(filtered from _MAX_)", infoEmpty: "no rows" },
    });
    var container = table.closest(".dt-container");
    var cell = table.parentNode;
    if (!container || !cell) { return; }
    box.parentNode.insertBefore(container, box);  // the controls above, the box around the table again
    cell.appendChild(box);
    box.appendChild(table);
    if (wrapper && !wrapper.children.length) { wrapper.remove(); }  // emptied by the move
    box.classList.add("ra2-enhanced");
  }

  function pagedTables() {
    return window.DataTable && window.DataTable.tables ? window.DataTable.tables() : [];
  }
  function everyRowForPrint() {  // idempotent: `beforeprint` and the media query may both call it
    Array.prototype.forEach.call(pagedTables(), function (table) {
      var api = new window.DataTable.Api(table);
      if (!api.page.len || api.page.len() === -1 || table.hasAttribute("data-ra2-page-len")) { return; }
      table.setAttribute("data-ra2-page-len", String(api.page.len()));
      table.setAttribute("data-ra2-page", String(api.page()));
      api.page.len(-1).draw(false);
      var container = table.closest(".dt-container");
      if (container && api.search()) { container.classList.add("ra2-print-filtered"); }
    });
  }
  function pagesAfterPrint() {
    Array.prototype.forEach.call(pagedTables(), function (table) {
      if (!table.hasAttribute("data-ra2-page-len")) { return; }
      var api = new window.DataTable.Api(table);
      api.page.len(Number(table.getAttribute("data-ra2-page-len"))).draw(false);
      api.page(Number(table.getAttribute("data-ra2-page"))).draw(false);
      table.removeAttribute("data-ra2-page-len");
      table.removeAttribute("data-ra2-page");
      var container = table.closest(".dt-container");
      if (container) { container.classList.remove("ra2-print-filtered"); }
    });
  }

  function openForPrint() {  // every row of a paged table, folded cell wording; wide matrices in parts
    everyRowForPrint();
    if (!document.querySelector(".ra2-print-parts")) { splitForPrint(); }
    document.querySelectorAll(".ra2-cell details:not([open])").forEach(function (d) {
      d.setAttribute("open", "");
      d.setAttribute("data-ra2-closed", "");
    });
  }
  function closeAfterPrint() {
    unsplitAfterPrint();
    pagesAfterPrint();
    document.querySelectorAll("details[data-ra2-closed]").forEach(function (d) {
      d.removeAttribute("open");
      d.removeAttribute("data-ra2-closed");
    });
  }

  function bodyRows(table) {  // every row the filter keeps, on every page DataTables shows
    if (window.DataTable && window.DataTable.isDataTable && window.DataTable.isDataTable(table)) {
      try {
        return new window.DataTable.Api(table).rows({ search: "applied" }).nodes().toArray();
      } catch (e) { /* fall back to the rows in the page */ }
    }
    return table.tBodies.length ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
  }

  function keepColumns(row, first, end) {  // the row header cell and data columns first..end-1 (0-based)
    var copy = row.cloneNode(false);
    Array.prototype.forEach.call(row.cells, function (cell, i) {
      if (i === 0 || (i > first && i <= end)) {
        var c = cell.cloneNode(true);
        c.removeAttribute("id");
        c.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
        copy.appendChild(c);
      }
    });
    copy.removeAttribute("id");
    return copy;
  }

  function splitForPrint() {
    var most = Math.max(1, window.RA2_PRINT_COLUMNS || 6);
    document.querySelectorAll("table.ra2-matrix-table").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[0];
      var data = head ? head.cells.length - 1 : 0;
      if (data <= most || table.querySelector("[colspan]")) { return; }
      var rows = bodyRows(table);
      var parts = Math.ceil(data / most), size = Math.floor(data / parts), extra = data % parts;
      var holder = document.createElement("div");
      holder.className = "ra2-print-parts";
      for (var p = 0, first = 0; p < parts; p++) {
        var end = first + size + (p < extra ? 1 : 0);
        var caption = document.createElement("p");
        caption.className = "ra2-matrix-part";
        caption.textContent = "Columns " + (first + 1) + "–" + end + " of " + data;
        var part = document.createElement("table");
        part.className = table.className + " ra2-print-part";
        part.style.setProperty("--ra2-cols", String(end - first));
        var cols = part.appendChild(document.createElement("colgroup"));
        cols.appendChild(document.createElement("col")).className = "ra2-col-stub";
        for (var k = first; k < end; k++) { cols.appendChild(document.createElement("col")); }
        var thead = part.createTHead(), tbody = part.createTBody();
        Array.prototype.forEach.call(table.tHead.rows, function (r) { thead.appendChild(keepColumns(r, first, end)); });
        rows.forEach(function (r) { tbody.appendChild(keepColumns(r, first, end)); });
        holder.appendChild(caption);
        holder.appendChild(part);
        first = end;
      }
      var whole = table.closest(".dt-container") || table.closest(".ra2-scroll") || table;
      whole.classList.add("ra2-print-split");
      whole.parentNode.insertBefore(holder, whole.nextSibling);
    });
  }
  function unsplitAfterPrint() {
    document.querySelectorAll(".ra2-print-parts").forEach(function (n) { n.remove(); });
    document.querySelectorAll(".ra2-print-split").forEach(function (n) { n.classList.remove("ra2-print-split"); });
  }

  function start() {
    document.querySelectorAll(".ra2-scroll.ra2-filterable").forEach(enhance);
    window.addEventListener("beforeprint", openForPrint);
    window.addEventListener("afterprint", closeAfterPrint);
    var print = window.matchMedia ? window.matchMedia("print") : null;
    if (print && print.addEventListener) {
      print.addEventListener("change", function (e) { if (e.matches) { openForPrint(); } else { closeAfterPrint(); } });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
