//! What a select of numbers offers: its usual values, and a link's own value in its place among
//! them (a sheet link with 48 steps shows 48, not the first option).

/// `options`, with `current` added in order where it is not among them; zero (nothing chosen
/// yet) adds nothing.
pub fn choices<T: Copy + Ord + Default>(options: &[T], current: T) -> Vec<T> {
    let mut values = options.to_vec();
    if current != T::default() && !values.contains(&current) {
        values.push(current);
        values.sort_unstable();
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_s_own_value_is_offered_in_its_place() {
        let steps = [64u32, 128, 256, 512];
        assert_eq!(choices(&steps, 128), steps);
        assert_eq!(choices(&steps, 48), [48, 64, 128, 256, 512]);
        assert_eq!(choices(&steps, 300), [64, 128, 256, 300, 512]);
        assert_eq!(choices(&steps, 0), steps);
        assert_eq!(choices(&[64usize, 128, 224], 96), [64, 96, 128, 224]);
    }
}
