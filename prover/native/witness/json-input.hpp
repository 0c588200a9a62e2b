// The circuit input JSON as circom's runtimes read it: each top-level key is an input signal whose
// value is a number, a string, or a (nested) array of them, flattened in order. Nested objects name
// bus fields "a.b", and arrays of objects "a[i].b". Numbers and strings stay text here; the caller
// parses them as field elements.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct InputSignal {
  std::string name;
  std::vector<std::string> values;
};

namespace json_input {

struct Value {
  enum Kind { Scalar, Array, Object } kind = Scalar;
  std::string text;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> fields;
};

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}

  Value document() {
    Value v = value();
    ws();
    if (i_ != s_.size()) error("trailing characters");
    return v;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;

  [[noreturn]] void error(const std::string& what) {
    throw std::runtime_error(what + " at offset " + std::to_string(i_));
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) i_++;
  }
  char peek() {
    ws();
    if (i_ >= s_.size()) error("unexpected end");
    return s_[i_];
  }
  std::string str() {
    if (s_[i_] != '"') error("expected a string");
    i_++;
    std::string out;
    while (true) {
      if (i_ >= s_.size()) error("unterminated string");
      const char c = s_[i_++];
      if (c == '"') break;
      if (c == '\\') {
        if (i_ >= s_.size()) error("unterminated string");
        const char e = s_[i_++];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'n': out += '\n'; break;
          case 't': out += '\t'; break;
          case 'r': out += '\r'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          default: error("unsupported escape in a string");
        }
      } else {
        out += c;
      }
    }
    return out;
  }
  Value value() {
    const char c = peek();
    Value v;
    if (c == '{') {
      v.kind = Value::Object;
      i_++;
      if (peek() == '}') {
        i_++;
        return v;
      }
      while (true) {
        peek();
        std::string k = str();
        if (peek() != ':') error("expected ':'");
        i_++;
        v.fields.emplace_back(std::move(k), value());
        const char d = peek();
        i_++;
        if (d == '}') break;
        if (d != ',') error("expected ',' or '}'");
      }
    } else if (c == '[') {
      v.kind = Value::Array;
      i_++;
      if (peek() == ']') {
        i_++;
        return v;
      }
      while (true) {
        v.items.push_back(value());
        const char d = peek();
        i_++;
        if (d == ']') break;
        if (d != ',') error("expected ',' or ']'");
      }
    } else if (c == '"') {
      v.text = str();
    } else {
      const size_t start = i_;
      if (s_[i_] == '-') i_++;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') i_++;
      if (i_ == start || (i_ == start + 1 && s_[start] == '-')) error("expected a value");
      if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) error("not an integer");
      v.text = s_.substr(start, i_ - start);
    }
    return v;
  }
};

inline bool leafIsObject(const Value& v) {
  if (v.kind == Value::Array) return !v.items.empty() && leafIsObject(v.items[0]);
  return v.kind == Value::Object;
}

inline void flatten(const std::string& name, const Value& v, std::vector<std::string>& out) {
  if (v.kind == Value::Scalar) {
    out.push_back(v.text);
  } else if (v.kind == Value::Array) {
    for (const Value& x : v.items) flatten(name, x, out);
  } else {
    throw std::runtime_error("signal " + name + " mixes objects and values");
  }
}

inline void qualify(const std::string& prefix, const Value& v, std::vector<InputSignal>& out) {
  if (v.kind == Value::Object) {
    for (const auto& [k, x] : v.fields) qualify(prefix.empty() ? k : prefix + "." + k, x, out);
  } else if (v.kind == Value::Array && leafIsObject(v)) {
    for (size_t i = 0; i < v.items.size(); i++) qualify(prefix + "[" + std::to_string(i) + "]", v.items[i], out);
  } else {
    InputSignal s;
    s.name = prefix;
    flatten(prefix, v, s.values);
    out.push_back(std::move(s));
  }
}

}  // namespace json_input

inline std::vector<InputSignal> parseInputJson(const std::string& text) {
  json_input::Value doc = json_input::Parser(text).document();
  if (doc.kind != json_input::Value::Object) throw std::runtime_error("the input must be a JSON object");
  std::vector<InputSignal> out;
  json_input::qualify("", doc, out);
  return out;
}
