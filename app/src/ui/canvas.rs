//! Putting an engine frame (RGBA, square) on a canvas.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

pub fn draw(canvas: &HtmlCanvasElement, size: u32, rgba: &[u8]) {
    if canvas.width() != size {
        canvas.set_width(size);
        canvas.set_height(size);
    }
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .map(|c| c.unchecked_into::<CanvasRenderingContext2d>());
    if let (Some(context), Ok(image)) = (
        context,
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), size, size),
    ) {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
}
