// 一张图 (atlas/map.html): draws the JSON of #atlas-map's data-url with ECharts' geo component, the region
// outlines registered from the site's own GeoJSON (no tiles: nothing is requested from another machine),
// subjects as points coloured by their verdict, a ring around those with overdue items. Everything from
// the data is put into the page as text (textContent) or escaped (tooltips): names are never markup.
(function () {
  "use strict";
  var el = document.getElementById("atlas-map");
  if (!el) return;
  var countsEl = document.getElementById("atlas-counts");
  var noteEl = document.getElementById("atlas-note");
  var COLOURS = { pass: "#2da44e", fail: "#cf222e", none: "#8c959f", ring: "#d4620b" };

  function esc(text) {
    return String(text == null ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function node(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") n.textContent = attrs[k];
      else if (k === "className") n.className = attrs[k];
      else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }

  function verdictText(v) {
    return v === 1 ? "达标" : v === 0 ? "不达标" : "未计算";
  }

  function verdictBadge(v) {
    var cls = v === 1 ? "text-bg-success" : v === 0 ? "text-bg-danger" : "text-bg-secondary";
    return node("span", { className: "badge " + cls, text: verdictText(v) });
  }

  function url(template, id) {
    return template.replace("{id}", String(id));
  }

  function drillUrl(data, code) {
    var q = new URLSearchParams(window.location.search);
    q.set("region", code);
    q.delete("subject");
    return data.urls.map + "?" + q.toString();
  }

  function fail(message) {
    countsEl.replaceChildren(node("span", { className: "text-danger", text: message }));
    el.replaceChildren(node("div", { className: "p-4 text-secondary", text: message }));
  }

  function renderCounts(data) {
    var c = data.counts;
    var parts = [
      ["bg-light text-dark border", "主体 " + c.subjects],
      ["text-bg-success", data.zero_label + "达标 " + c.passed],
      ["text-bg-danger", "不达标 " + c.failed],
      ["text-bg-secondary", "未计算 " + c.uncomputed],
      ["text-bg-warning", "有超期事项 " + c.overdue_subjects + "个主体（" + c.overdue_items + "件）"]
    ];
    countsEl.replaceChildren.apply(countsEl, parts.map(function (p) {
      return node("span", { className: "badge " + p[0], text: p[1] });
    }));
    var notes = [];
    if (data.limited) {
      notes.push("主体较多（" + c.subjects + "个），地图上只标出不达标或有超期事项的主体；点击下级区域查看全部主体。");
    } else if (c.unlocated) {
      notes.push(c.unlocated + "个主体未标注坐标，未在地图上显示（可在主体信息中填写经纬度，或随创建主体表导入）。");
    }
    if (!data.map) {
      notes.push("尚未导入本区域的区划边界：系统管理员可在“系统管理 → 区划边界 → 导入区划边界”导入 GeoJSON。");
    }
    if (!c.computed) {
      notes.push(data.month + "尚未计算达标情况，主体按“未计算”显示。");
    }
    noteEl.textContent = notes.join(" ");
  }

  function renderAttention(data) {
    var body = document.getElementById("atlas-attention");
    var rows = data.attention.map(function (a) {
      var link = node("a", { href: url(data.urls.subject, a.id), text: a.name });
      var overdue = a.overdue ? node("span", { className: "badge text-bg-danger", text: String(a.overdue) }) : document.createTextNode("0");
      var locate = a.located
        ? node("a", { href: "#atlas-map", "data-subject": String(a.id), text: "在图上定位" })
        : node("span", { className: "text-secondary", text: "未标注" });
      return node("tr", {}, [
        node("td", {}, [link]),
        node("td", { text: a.region }),
        node("td", {}, [verdictBadge(a.verdict)]),
        node("td", { className: "text-end" }, [overdue]),
        node("td", { className: "d-none d-md-table-cell" }, [locate])
      ]);
    });
    if (!rows.length) rows = [node("tr", {}, [node("td", { colspan: "5", className: "text-secondary", text: "本期没有不达标或有超期事项的主体。" })])];
    body.replaceChildren.apply(body, rows);
    var more = document.getElementById("atlas-attention-more");
    more.textContent = data.attention_total > data.attention.length
      ? "共" + data.attention_total + "个，仅列出前" + data.attention.length + "个（超期事项多的在前）。"
      : "共" + data.attention_total + "个。";
  }

  function renderAreas(data) {
    var body = document.getElementById("atlas-areas");
    var drill = data.areas.length && data.areas[0].drill;
    document.getElementById("atlas-areas-title").textContent = drill ? "下级区划" : "本区划";
    var rows = data.areas.map(function (a) {
      var name = drill ? node("a", { href: drillUrl(data, a.code), text: a.name }) : document.createTextNode(a.name);
      return node("tr", {}, [
        node("td", {}, [name]),
        node("td", { className: "text-end", text: a.total == null ? "—" : String(a.total) }),
        node("td", { className: "text-end", text: a.rate_text }),
        node("td", { className: "text-end", text: String(a.overdue) })
      ]);
    });
    body.replaceChildren.apply(body, rows);
  }

  // A rectangle around the points, drawn invisibly, when no outline was imported: the geo
  // component still places the points by their coordinates.
  function extentOf(points) {
    var lons = points.map(function (p) { return p[2]; });
    var lats = points.map(function (p) { return p[3]; });
    var x0 = Math.min.apply(null, lons), x1 = Math.max.apply(null, lons);
    var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
    var pad = Math.max(x1 - x0, y1 - y0, 0.01) * 0.08;
    x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
    return { type: "FeatureCollection", features: [{ type: "Feature", properties: { name: "__extent__" },
      geometry: { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }] };
  }

  function showDetail(data, p) {
    var card = document.getElementById("atlas-detail");
    document.getElementById("atlas-detail-title").textContent = p[1];
    var body = document.getElementById("atlas-detail-body");
    var dl = node("dl", { className: "row mb-2" }, [
      node("dt", { className: "col-5 fw-normal text-secondary", text: "所属区划" }), node("dd", { className: "col-7 mb-1", text: p[6] }),
      node("dt", { className: "col-5 fw-normal text-secondary", text: data.zero_label }), node("dd", { className: "col-7 mb-1" }, [verdictBadge(p[4])]),
      node("dt", { className: "col-5 fw-normal text-secondary", text: "超期未办结" }), node("dd", { className: "col-7 mb-1", text: p[5] + "件" })
    ]);
    var links = node("div", { className: "d-flex flex-wrap gap-2" }, [
      node("a", { className: "btn btn-sm btn-primary", href: url(data.urls.subject, p[0]), text: "主体详情与台账" }),
      p[4] != null ? node("a", { className: "btn btn-sm btn-outline-secondary", href: url(data.urls.subject_month, p[0]), text: "达标依据" }) : null
    ]);
    body.replaceChildren(dl, links);
    card.classList.remove("d-none");
  }

  function render(data) {
    renderCounts(data);
    renderAttention(data);
    renderAreas(data);
    if (!window.echarts) return;
    var points = data.points;
    if (!data.map && !points.length) {
      el.replaceChildren(node("div", { className: "p-4 text-secondary",
        text: "暂无可显示的地图：本区域尚未导入区划边界，主体也未标注坐标。" }));
      return;
    }
    var areas = {};
    data.areas.forEach(function (a) { areas[a.code] = a; });
    echarts.registerMap("atlas", data.map || extentOf(points));
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var byVerdict = { 1: [], 0: [], none: [] };
    var rings = [];
    var focus = null;
    var size = points.length > 1500 ? 5 : points.length > 400 ? 7 : 9;
    points.forEach(function (p) {
      var item = { name: p[1], value: [p[2], p[3]], point: p };
      byVerdict[p[4] == null ? "none" : p[4]].push(item);
      if (p[5]) rings.push(item);
      if (p[0] === data.focus) focus = item;
    });
    function scatter(name, items, colour) {
      return { name: name, type: "scatter", coordinateSystem: "geo", data: items, symbolSize: size,
        itemStyle: { color: colour, borderColor: "#fff", borderWidth: 0.6 }, emphasis: { scale: 1.8 }, z: 3 };
    }
    var series = [
      { name: "区域", type: "map", geoIndex: 0, data: data.areas.filter(function (a) { return a.outline; })
          .map(function (a) { return { name: a.code, value: a.rate == null ? -1 : a.rate }; }) },
      scatter("达标", byVerdict[1], COLOURS.pass),
      scatter("不达标", byVerdict[0], COLOURS.fail),
      scatter("未计算", byVerdict.none, COLOURS.none),
      { name: "有超期事项", type: "scatter", coordinateSystem: "geo", data: rings, symbolSize: size + 8,
        itemStyle: { color: "rgba(0,0,0,0)", borderColor: COLOURS.ring, borderWidth: 2 }, z: 4 }
    ];
    if (focus) {
      series.push({ name: "所选主体", type: "scatter", coordinateSystem: "geo", data: [focus], symbol: "pin",
        symbolSize: 34, itemStyle: { color: "#1f6feb" }, z: 5,
        label: { show: true, position: "top", formatter: function (p) { return p.name; } } });
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: function (p) {
        if (p.seriesType === "map") {
          var a = areas[p.name];
          if (!a) return "";
          return "<strong>" + esc(a.name) + "</strong><br>主体 " + esc(a.total == null ? "—" : a.total) +
            "，" + esc(data.zero_label) + "达标率 " + esc(a.rate_text) + "<br>超期事项 " + esc(a.overdue) + "件" +
            (a.drill ? "<br><span style=\"color:#888\">点击进入</span>" : "");
        }
        var pt = p.data && p.data.point;
        if (!pt) return "";
        return "<strong>" + esc(pt[1]) + "</strong><br>" + esc(pt[6]) + "<br>" + esc(data.zero_label) + "：" +
          esc(verdictText(pt[4])) + (pt[5] ? "<br>超期未办结 " + esc(pt[5]) + "件" : "");
      } },
      legend: { top: 4, left: 4, data: ["达标", "不达标", "未计算", "有超期事项"], textStyle: { fontSize: 12 } },
      visualMap: { type: "piecewise", seriesIndex: 0, show: false, pieces: [
        { value: -1, color: "#eceff3" }, { min: 100, color: "#d3f0da" }, { min: 95, lt: 100, color: "#eef5cf" },
        { min: 90, lt: 95, color: "#fff0c2" }, { min: 0, lt: 90, color: "#f9d2cd" }] },
      geo: { map: "atlas", roam: true, scaleLimit: { min: 0.8, max: 40 }, top: 36, bottom: 8, left: 8, right: 8,
        label: { show: !!data.map, fontSize: 11, color: "#222", backgroundColor: "rgba(255,255,255,0.65)", padding: [1, 3], borderRadius: 2, formatter: function (p) {
          var a = areas[p.name]; return a ? a.name : ""; } },
        itemStyle: data.map ? { areaColor: "#eceff3", borderColor: "#7d8794", borderWidth: 1 }
          : { areaColor: "rgba(0,0,0,0)", borderColor: "rgba(0,0,0,0)" },
        emphasis: { label: { show: !!data.map }, itemStyle: { areaColor: data.map ? "#cfe2ff" : "rgba(0,0,0,0)" } },
        select: { disabled: true }, silent: !data.map },
      series: series
    });
    chart.on("click", function (p) {
      if (p.seriesType === "map") {
        var a = areas[p.name];
        if (a && a.drill) window.location.assign(drillUrl(data, a.code));
        return;
      }
      if (p.data && p.data.point) showDetail(data, p.data.point);
    });
    if (focus) showDetail(data, focus.point);
    document.getElementById("atlas-detail-close").addEventListener("click", function () {
      document.getElementById("atlas-detail").classList.add("d-none");
    });
    document.getElementById("atlas-attention").addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("[data-subject]") : null;
      if (!link) return;
      var id = Number(link.getAttribute("data-subject"));
      var hit = points.filter(function (p) { return p[0] === id; })[0];
      if (!hit) return;
      event.preventDefault();
      chart.setOption({ geo: { center: [hit[2], hit[3]], zoom: 6 } });
      showDetail(data, hit);
      el.scrollIntoView({ behavior: "smooth", block: "center" });
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.setAttribute("data-ready", "1");
  }

  fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(render)
    .catch(function () { fail("地图数据载入失败，请刷新页面重试。"); });
})();
