// Not every load example uses every helper.
#[allow(dead_code)]
pub mod load;
