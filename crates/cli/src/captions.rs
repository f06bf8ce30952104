//! Text drawn into PNGs (sheet captions, example labels) with embedded-graphics' built-in 6×10
//! bitmap font: no font file to ship or find.

use embedded_graphics::mono_font::MonoTextStyle;
use embedded_graphics::mono_font::ascii::FONT_6X10;
use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::text::{Alignment, Text};
use image::{Rgb, RgbImage};

/// Height of one line of captions, with its margins.
pub const LINE: u32 = 14;
/// Width of one character.
pub const CHAR_WIDTH: u32 = 6;

/// Black 6×10 text centred on `x`, its top at `y`.
pub fn caption(canvas: &mut RgbImage, text: &str, x: u32, y: u32) {
    let text = text.replace('·', "-");
    let style = MonoTextStyle::new(&FONT_6X10, Rgb888::BLACK);
    let origin = Point::new(x as i32, y as i32 + FONT_6X10.baseline as i32);
    Text::with_alignment(&text, origin, style, Alignment::Center)
        .draw(&mut Canvas(canvas))
        .expect("drawing into memory cannot fail");
}

/// embedded-graphics draws into anything that takes pixels; this lends it an `RgbImage`.
struct Canvas<'a>(&'a mut RgbImage);

impl OriginDimensions for Canvas<'_> {
    fn size(&self) -> Size {
        Size::new(self.0.width(), self.0.height())
    }
}

impl DrawTarget for Canvas<'_> {
    type Color = Rgb888;
    type Error = std::convert::Infallible;

    fn draw_iter<I: IntoIterator<Item = Pixel<Rgb888>>>(
        &mut self,
        pixels: I,
    ) -> Result<(), Self::Error> {
        for Pixel(point, color) in pixels {
            if let (Ok(x), Ok(y)) = (u32::try_from(point.x), u32::try_from(point.y))
                && x < self.0.width()
                && y < self.0.height()
            {
                self.0
                    .put_pixel(x, y, Rgb([color.r(), color.g(), color.b()]));
            }
        }
        Ok(())
    }
}
