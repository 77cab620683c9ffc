//! A small key-value store, written for terse's code tests.
// Licensed under the MIT License. Copyright (c) 2026 the terse authors.
use std::collections::HashMap;
use std::fmt;

/// A value with the time it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry<'a> {
    pub key: &'a str,
    pub value: Vec<u8>,
    stamp: u64, // seconds since the epoch
}

pub enum Error {
    Missing(String),
    TooBig { size: usize, limit: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Missing(k) => write!(f, "no key '{}'", k),
            Error::TooBig { size, limit } => write!(f, "{} > {}", size, limit),
        }
    }
}

pub struct Store<'a> {
    map: HashMap<&'a str, Entry<'a>>,
    limit: usize,
}

impl<'a> Store<'a> {
    /// Makes an empty store. Values over `limit` bytes are refused.
    pub fn new(limit: usize) -> Self {
        Store { map: HashMap::new(), limit }
    }

    pub fn put(&mut self, key: &'a str, value: &[u8], stamp: u64) -> Result<(), Error> {
        if value.len() > self.limit {
            return Err(Error::TooBig { size: value.len(), limit: self.limit });
        }
        let e = Entry { key, value: value.to_vec(), stamp };
        self.map.insert(key, e);
        Ok(())
    }

    pub fn get(&self, key: &str) -> Result<&Entry<'a>, Error> {
        self.map.get(key).ok_or_else(|| Error::Missing(key.to_string()))
    }

    fn newest(&self) -> Option<&Entry<'a>> {
        /* the latest stamp wins; ties: any */
        self.map.values().max_by_key(|e| e.stamp)
    }
}

macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

fn main() {
    let mut s = Store::new(1 << 10);
    let c = 'x';
    let raw = r#"a "raw" string"#;
    s.put("k", b"v", 1).ok();
    println!("{} {} {:?} {}", c, raw, s.newest(), square!(3) - -1);
}
