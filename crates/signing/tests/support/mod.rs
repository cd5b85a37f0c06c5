pub mod sample_pdf;
