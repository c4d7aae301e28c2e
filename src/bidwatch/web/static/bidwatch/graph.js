/* The bidders' link graph (cytoscape), data from a JSON block. */
(function () {
  "use strict";
  var COLORS = { person: "#8e44ad", device: "#c0392b", account: "#d35400", phone: "#27ae60", file: "#34495e" };
  function init() {
    document.querySelectorAll("[data-graph]").forEach(function (box) {
      var node = document.getElementById(box.dataset.graph);
      if (!node || typeof cytoscape === "undefined") { return; }
      var g = JSON.parse(node.textContent);
      var elements = g.nodes.map(function (n) { return { data: { id: n.id, label: n.label, winner: n.winner ? 1 : 0 } }; });
      g.edges.forEach(function (e, i) {
        elements.push({ data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind, label: e.label } });
      });
      if (!document.getElementById("__________cytoscape_stylesheet")) {
        // Cytoscape would inject an inline <style> (refused by our CSP); app.css carries its one rule.
        var mark = document.createElement("meta");
        mark.id = "__________cytoscape_stylesheet";
        document.head.appendChild(mark);
      }
      var cy = cytoscape({
        container: box, elements: elements, userZoomingEnabled: true,
        style: [
          { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "ellipsis", "text-max-width": 110,
                                        "background-color": "#2e86c1", "width": 18, "height": 18, "color": "#222",
                                        "font-family": "Noto Sans CJK SC, sans-serif" } },
          { selector: "node[winner = 1]", style: { "background-color": "#c0392b", "width": 24, "height": 24 } },
          { selector: "edge", style: { "width": 2, "curve-style": "bezier", "line-color": "#999", "opacity": 0.8 } }
        ].concat(Object.keys(COLORS).map(function (k) {
          return { selector: "edge[kind = '" + k + "']", style: { "line-color": COLORS[k] } };
        })),
        layout: { name: g.nodes.length > 12 ? "concentric" : "circle", padding: 20, animate: false }
      });
      box.cy = cy;
      box.dataset.ready = "1";
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
