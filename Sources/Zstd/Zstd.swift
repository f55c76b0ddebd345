public enum Zstd {}
