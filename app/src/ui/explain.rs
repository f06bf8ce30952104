//! Each setting explained where it is: what it does, its default and why, and where it comes
//! from, beside the control (and, for what has no control, under "How the picture is made").

use basis_recipe::{Parametrization, Recipe};
use leptos::prelude::*;

const DISTILL: &str = "https://distill.pub/2017/feature-visualization/";
const LUCID_OBJECTIVES: &str =
    "https://github.com/tensorflow/lucid/blob/master/lucid/optvis/objectives.py";
const LUCID_RENDER: &str = "https://github.com/tensorflow/lucid/blob/master/lucid/optvis/render.py";
const LUCID_TRANSFORMS: &str =
    "https://github.com/tensorflow/lucid/blob/master/lucid/optvis/transform.py";

/// A setting's explanation and its source.
pub struct Explanation {
    pub text: &'static str,
    pub source: &'static str,
    pub source_name: &'static str,
}

pub const NETWORK: Explanation = Explanation {
    text: "EfficientNet-Lite0 is the default and the smallest. Lite1 and Lite2 are the same design made deeper (21 blocks instead of 16), Lite2 also wider, trained on larger photos (240 and 260 px): does a bigger network have more meaningful neurons? Each downloads its own weights (18.5, 21.6 and 24.3 MB).",
    source: "https://arxiv.org/abs/1905.11946",
    source_name: "Tan & Le 2019",
};

pub const LAYER: Explanation = Explanation {
    text: "Where in the network to look: early layers answer colours and edges, later ones textures and parts of objects. A block's hidden taps (depthwise, expand) end in ReLU6; its output is linear, where single neurons are not expected to be special.",
    source: DISTILL,
    source_name: "Olah et al. 2017",
};

pub const SEED: Explanation = Explanation {
    text: "Draws the random direction, the starting noise and the transforms: the same seed gives the same picture.",
    source: DISTILL,
    source_name: "Olah et al. 2017",
};

pub const TOWARD: Explanation = Explanation {
    text: "Default: a random direction, drawn from the seed. At a block's linear output the network itself uses directions too: each unit of the next 1×1 convolution reads the layer along one (a row of its weights), and each depthwise unit of the block writes along one (a column of the projection). Turning a neuron toward one of them asks whether the network's own directions look as meaningful as its neurons. At any layer, a learned direction is an independent component (ICA) of the layer's responses to the 8 shipped photos, the most heavy-tailed first: the kind of direction Klindt et al. and Colin et al. found easier to read than neurons.",
    source: "https://transformer-circuits.pub/2021/framework/index.html",
    source_name: "Elhage et al. 2021",
};

pub const COS_POWER: Explanation = Explanation {
    text: "Default 0: the picture pushes the layer's response along the direction (a dot product). A higher power p rewards pointing the same way too (dot · cos^p), so no direction wins by inflating one strong channel.",
    source: LUCID_OBJECTIVES,
    source_name: "Lucid's direction_neuron_cossim",
};

pub const NEGATIVE: Explanation = Explanation {
    text: "Off by default. On: the picture minimizes the direction, showing what it responds to least.",
    source: DISTILL,
    source_name: "Olah et al. 2017, negative optimization",
};

pub const CENTRE: Explanation = Explanation {
    text: "Off by default: the response is averaged over every position (Lucid's channel objective). On: only the centre position counts (Lucid's neuron objective), one receptive field's view.",
    source: LUCID_OBJECTIVES,
    source_name: "Lucid's channel and neuron",
};

pub const SIZE: Explanation = Explanation {
    text: "Pixels a side. The network was trained on 224 px photos; a smaller picture is faster (a step costs about its pixel count) and shows the same patterns more coarsely.",
    source: DISTILL,
    source_name: "Olah et al. 2017",
};

pub const STEPS: Explanation = Explanation {
    text: "Optimization steps (Adam, learning rate 0.05). Lucid's default is 512; most patterns show after about 100.",
    source: LUCID_RENDER,
    source_name: "Lucid's render_vis",
};

pub const TRANSFORMS: Explanation = Explanation {
    text: "Every step the picture is padded, jittered, scaled, rotated and jittered again before the network sees it: a pattern must survive that to win, which keeps out high-frequency noise that excites the network and means nothing to us.",
    source: LUCID_TRANSFORMS,
    source_name: "Lucid's standard_transforms",
};

pub const DECORRELATION: Explanation = Explanation {
    text: "The picture is optimized as a spectrum scaled by 1 / frequency^decay (decorrelated colours and a Fourier basis): steps then change broad patterns as easily as fine ones. Optimizing pixels directly mostly finds noise.",
    source: DISTILL,
    source_name: "Olah et al. 2017, preconditioning",
};

pub const DIVERSITY: Explanation = Explanation {
    text: "Predict-the-response references are four pictures made together with a diversity term (weight 10 on the similarity of their Gram matrices; Lucid's 100 swamps the direction within a few hundred steps) that pushes them apart, so they show different facets of one direction.",
    source: LUCID_OBJECTIVES,
    source_name: "Lucid's diversity",
};

pub const START: Explanation = Explanation {
    text: "Default: noise, as Lucid starts. From a photo the picture begins as that photo and changes only where the direction needs it to (feature accentuation): what does the direction respond to in this photo? The penalty on how far the pixels move (default 1000: a mean of about 15 / 255 after 256 steps, while the direction still reaches three quarters of what it reaches unheld) keeps it close; raise it to change less, lower it to let the direction take over. A pool photo is named in the link; your own photo never leaves this device and is not in the link.",
    source: "https://arxiv.org/abs/2402.10039",
    source_name: "Hamblin et al. 2024",
};

/// The explanation as a hint line with its source.
#[component]
pub fn Explain(explanation: Explanation) -> impl IntoView {
    view! {
        <p class="hint explain">
            {explanation.text} " ("
            <a href=explanation.source target="_blank" rel="noopener noreferrer">
                {explanation.source_name}
            </a> ")"
        </p>
    }
}

/// The settings of `recipe` that have no control, said in words: "Fourier, decay 1.0"…
pub fn parametrization_text(recipe: &Recipe) -> String {
    match recipe.image.parametrization {
        Parametrization::Fft { decay_power } => {
            format!(
                "Fourier spectrum, decay {decay_power:.1}, starting noise σ {}",
                recipe.image.init_sd
            )
        }
        Parametrization::Pixel => {
            format!("plain pixels, starting noise σ {}", recipe.image.init_sd)
        }
    }
}

pub fn transforms_text(recipe: &Recipe) -> String {
    let t = &recipe.transforms;
    format!(
        "pad {} px, jitter {} px, scale {}–{}, rotate ±{}°, jitter {} px",
        t.pad, t.jitter, t.scale_min, t.scale_max, t.rotate_max_degrees, t.final_jitter
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_settings_are_read_from_the_recipe() {
        let mut recipe = Recipe::new("0123456789abcdef");
        assert_eq!(
            parametrization_text(&recipe),
            "Fourier spectrum, decay 1.0, starting noise σ 0.01"
        );
        assert_eq!(
            transforms_text(&recipe),
            "pad 12 px, jitter 8 px, scale 0.9–1.1, rotate ±10°, jitter 4 px"
        );
        recipe.image.parametrization = Parametrization::Pixel;
        assert_eq!(
            parametrization_text(&recipe),
            "plain pixels, starting noise σ 0.01"
        );
    }
}
