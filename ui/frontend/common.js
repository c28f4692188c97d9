// Shared by the player and the sweep map: plotly.js loading, base64 decoding, and the components-v2
// host that keeps one view per parent element (Streamlit calls the default export again with new
// data on every rerun; the view lives on, so camera, zoom and playhead survive updates).

// Every plot's config. plotly.js 4 shows a "Share chart..." button by default that uploads the chart
// to Plotly Cloud: a class network may be offline, and a student's data stays on the server.
const CONFIG = {
  displaylogo: false,
  showSendToCloud: false,
  responsive: true,
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverCompareCartesian"],
};

let plotlyLoading = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        plotlyLoading = null;
        script.remove();
        reject(new Error(`could not load plotly.js from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyLoading;
}

function bytesOf(b64) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(b64);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function onePerParent(make) {
  const views = new WeakMap();
  return function (component) {
    const { data, parentElement, setTriggerValue } = component;
    let view = views.get(parentElement);
    if (!view) {
      view = make(parentElement);
      views.set(parentElement, view);
    }
    view.receive(data, setTriggerValue);
    return () => {
      view.destroy();
      views.delete(parentElement);
    };
  };
}
