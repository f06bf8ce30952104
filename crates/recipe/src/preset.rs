//! Presets: named settings that trade speed against quality. A preset is nothing but the values it
//! sets (size and steps), so a link carries it as those values, and a page shows the preset a
//! recipe matches — or none: custom settings.

use std::fmt;
use std::str::FromStr;

use crate::{Recipe, RecipeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Quick,
    Classroom,
    Faithful,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::Quick, Preset::Classroom, Preset::Faithful];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Quick => "quick",
            Preset::Classroom => "classroom",
            Preset::Faithful => "faithful",
        }
    }

    /// Image size in pixels.
    pub fn size(self) -> usize {
        match self {
            Preset::Quick => 64,
            Preset::Classroom => 128,
            Preset::Faithful => 224,
        }
    }

    pub fn steps(self) -> u32 {
        match self {
            Preset::Quick => 64,
            Preset::Classroom => 256,
            Preset::Faithful => 512,
        }
    }

    /// What the preset is for, in a sentence.
    pub fn purpose(self) -> &'static str {
        match self {
            Preset::Quick => {
                "64 px, 64 steps: a first picture in seconds on any laptop, rough but recognizable."
            }
            Preset::Classroom => {
                "128 px, 256 steps (the default): clear patterns in well under a minute on a laptop's CPU."
            }
            Preset::Faithful => {
                "224 px (the network's own input size), 512 steps (Lucid's default): the pictures a paper shows; minutes on a CPU."
            }
        }
    }

    pub fn apply(self, recipe: &mut Recipe) {
        recipe.image.size = self.size();
        recipe.steps = self.steps();
    }

    /// The preset whose values `recipe` has, if any.
    pub fn of(recipe: &Recipe) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|p| recipe.image.size == p.size() && recipe.steps == p.steps())
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = RecipeError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| RecipeError::UnknownPreset(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Link;

    #[test]
    fn each_preset_is_the_values_it_sets() {
        for preset in Preset::ALL {
            let mut recipe = Recipe::new("0123456789abcdef");
            preset.apply(&mut recipe);
            assert_eq!(Preset::of(&recipe), Some(preset));
            assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
        }
        assert_eq!(
            Preset::of(&Recipe::new("0123456789abcdef")),
            Some(Preset::Classroom)
        );
        let mut custom = Recipe::new("0123456789abcdef");
        custom.steps = 300;
        assert_eq!(Preset::of(&custom), None);
    }

    #[test]
    fn a_link_carries_its_preset() {
        let mut recipe = Recipe::new("0123456789abcdef");
        Preset::Faithful.apply(&mut recipe);
        let link = Link::parse(&format!("#{}", Link::fragment(&recipe, &[], false)));
        let parsed = link.recipe.expect("a recipe link").expect("it parses");
        assert_eq!(Preset::of(&parsed), Some(Preset::Faithful));
    }

    #[test]
    fn an_unknown_preset_is_named() {
        assert_eq!(
            "fast".parse::<Preset>().unwrap_err().to_string(),
            "preset: `fast` is unknown (known: quick, classroom, faithful)"
        );
    }
}
