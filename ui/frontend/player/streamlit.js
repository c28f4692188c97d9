// optiviz player, Streamlit host (components v2): Streamlit calls the default export again with new
// data on every rerun; one Player per parent element receives it; map clicks go back as `click`.

const PLAYERS = new WeakMap();

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let player = PLAYERS.get(parentElement);
  if (!player) {
    player = new Player(parentElement);
    PLAYERS.set(parentElement, player);
  }
  player.receive(data, setTriggerValue);
  return () => {
    player.destroy();
    PLAYERS.delete(parentElement);
  };
}
