// gradscape player, notebook host (anywidget: gradscape.Player, api/widget.py). The data is the model's
// `_data` trait, the landscape grid and the runs' arrays in it as binary buffers; a new `_data` (the
// scenario changed in Python) redraws the same Player in place. plotly.js is not a trait (a saved
// notebook would hold it): each page asks the kernel once per bundle with a custom message, receives
// the vendored file as a binary buffer and runs it from a blob URL, so it works offline.

const PLOTLY_SOURCES = (globalThis.gradscapePlotlySources ??= new Map()); // bundle -> blob URL, for every player on the page
const ASKED = new WeakMap(); // model -> Map(bundle -> Promise<blob URL>)

function plotlySource(model, bundle) {
  if (PLOTLY_SOURCES.has(bundle)) return Promise.resolve(PLOTLY_SOURCES.get(bundle));
  if (!ASKED.has(model)) ASKED.set(model, new Map());
  const asked = ASKED.get(model);
  if (!asked.has(bundle)) {
    asked.set(bundle, new Promise((resolve) => {
      const answer = (msg, buffers) => {
        if (!msg || msg.plotly !== bundle) return;
        model.off("msg:custom", answer);
        if (!PLOTLY_SOURCES.has(bundle)) {
          PLOTLY_SOURCES.set(bundle, URL.createObjectURL(new Blob([buffers[0]], { type: "text/javascript" })));
        }
        resolve(PLOTLY_SOURCES.get(bundle));
      };
      model.on("msg:custom", answer);
      model.send({ ask: "plotly", bundle });
    }));
  }
  return asked.get(bundle);
}

export default {
  render({ model, el }) {
    el.innerHTML = model.get("_html");
    const player = new Player(el, { clickable: false });
    const message = el.querySelector(".ovz-message");
    let latest = 0;
    const draw = async () => {
      const data = model.get("_data");
      const mine = ++latest;
      if (!PLOTLY_SOURCES.has("cartesian") || (data.view !== "2d" && !PLOTLY_SOURCES.has("gl3d"))) {
        message.textContent = "Waiting for plotly.js from the Python kernel (if it is not running, run this cell)…";
      }
      // The 3-D bundle only where a 3-D view shows (the view changes only with new data).
      const [plotly, plotly3d] = await Promise.all([
        plotlySource(model, "cartesian"),
        data.view === "2d" ? "" : plotlySource(model, "gl3d"),
      ]);
      if (mine === latest) player.receive({ ...data, plotly, plotly3d });
    };
    model.on("change:_data", draw);
    draw();
    return () => {
      model.off("change:_data", draw);
      player.destroy();
    };
  },
};
