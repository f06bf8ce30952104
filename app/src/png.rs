//! Saving the current image as a PNG file, encoded in Rust with the `image` crate.

use basis_recipe::Recipe;
use image::ImageEncoder;
use image::codecs::png::PngEncoder;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

pub fn encode(size: u32, rgba: &[u8]) -> Result<Vec<u8>, image::ImageError> {
    let mut png = Vec::new();
    PngEncoder::new(&mut png).write_image(rgba, size, size, image::ExtendedColorType::Rgba8)?;
    Ok(png)
}

/// Names the file after what it shows, e.g. `basis-block8-c10-mix0.50-seed3-128px.png`.
pub fn file_name(recipe: &Recipe) -> String {
    let sign = if recipe.negative { "-neg" } else { "" };
    format!(
        "basis-{}-c{}-mix{:.2}-seed{}{sign}-{}px.png",
        recipe.layer, recipe.channel, recipe.mix, recipe.seed, recipe.image.size
    )
}

pub fn save(png: &[u8], name: &str) -> Result<(), String> {
    let text = |error: JsValue| format!("{error:?}");
    let options = BlobPropertyBag::new();
    options.set_type("image/png");
    let blob =
        Blob::new_with_u8_array_sequence_and_options(&Array::of1(&Uint8Array::from(png)), &options)
            .map_err(text)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(text)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document.create_element("a").map_err(text)?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    Url::revoke_object_url(&url).map_err(text)?;
    Ok(())
}
