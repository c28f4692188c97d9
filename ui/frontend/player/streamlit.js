// gradscape player, Streamlit host (components v2): Streamlit calls the default export again with new
// data on every rerun; one Player per parent element receives it; map clicks go back as `click`.

export default onePerParent((parent) => new Player(parent));
