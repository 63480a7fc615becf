/* ra2docs: filter, sort and page the big tables with the bundled DataTables (vendor/datatables).
 *
 * Tables stay plain HTML: without JavaScript every row is there, scrolling inside its box with the
 * header and first column kept in view. With it, each box marked `ra2-filterable` gets a filter field,
 * sortable headers and (past PAGE_FROM rows) pages. The scrolling box is kept around the table, so the
 * sticky header still works, and the controls sit above it.
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

  function openForPrint() {  // folded cell wording is printed
    document.querySelectorAll(".ra2-cell details:not([open])").forEach(function (d) {
      d.setAttribute("open", "");
      d.setAttribute("data-ra2-closed", "");
    });
  }
  function closeAfterPrint() {
    document.querySelectorAll("details[data-ra2-closed]").forEach(function (d) {
      d.removeAttribute("open");
      d.removeAttribute("data-ra2-closed");
    });
  }

  function start() {
    document.querySelectorAll(".ra2-scroll.ra2-filterable").forEach(enhance);
    window.addEventListener("beforeprint", openForPrint);
    window.addEventListener("afterprint", closeAfterPrint);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
