// gradscape player, standalone host (an exported HTML file): the data is embedded in the page as
// JSON (#ovz-data), the landscape grid inside it as base64 and plotly.js inlined, so the file
// plays with no server and no network.

window.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("ovz-data").textContent);
  new Player(document.getElementById("ovz-host"), { clickable: false }).receive(data);
});
