// Command oracle answers, for each JSON line on stdin, what Formance's trigger evaluator
// (formancehq/flows internal/triggers/expression.go) would answer, using the real expr-lang
// library, plus Go's regexp, float formatting, time.ParseDuration and time.Parse(RFC3339).
//
// Input lines: {"id": any, "mode": "expr"|"regex"|"float"|"duration"|"rfc3339", ...}
//
//	expr:     {"expr": "...", "event": <payload>} or {"expr": "...", "env": {...}},
//	          optional "links": {"<uri>": <data>} answering link()'s GET
//	regex:    {"pattern": "...", "text": "..."}
//	float:    {"float": "<Go-parsable number>"} or {"special": "nan"|"+inf"|"-inf"|"-0"}
//	duration: {"text": "..."}
//	rfc3339:  {"text": "..."}
//
// One JSON line out per line in, in order.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"time"

	"github.com/expr-lang/expr"
)

type request struct {
	ID      any             `json:"id"`
	Mode    string          `json:"mode"`
	Expr    string          `json:"expr"`
	Event   json.RawMessage `json:"event"`
	Env     json.RawMessage `json:"env"`
	Links   map[string]any  `json:"links"`
	Pattern string          `json:"pattern"`
	Text    string          `json:"text"`
	Float   string          `json:"float"`
	Special string          `json:"special"`
}

type answer map[string]any

// applicationError stands for temporal.NewNonRetryableApplicationError; its text is the
// message, as ../shared/reference/SERVER_BEHAVIOR.md records the service answering.
type applicationError struct{ message string }

func (e *applicationError) Error() string { return e.message }

type link struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

func linker(resources map[string]any) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		if len(params) != 2 {
			return nil, &applicationError{fmt.Sprintf("expect two arguments, got %d", len(params))}
		}
		data, _ := json.Marshal(params[0])
		o := &struct {
			Links []link `json:"links"`
		}{}
		if err := json.Unmarshal(data, o); err != nil {
			return nil, err
		}
		rel, ok := params[1].(string)
		if !ok {
			return nil, errors.New("second parameter must be a string")
		}
		var found []link
		for _, l := range o.Links {
			if l.Name == rel {
				found = append(found, l)
			}
		}
		switch len(found) {
		case 0:
			return nil, &applicationError{fmt.Sprintf("link '%s' not defined for object", rel)}
		case 1:
			body, ok := resources[found[0].URI]
			if !ok {
				return nil, fmt.Errorf("unexpected status code when reading resource: %d", 404)
			}
			// The service decodes {"data": ...} from the response body.
			raw, _ := json.Marshal(map[string]any{"data": body})
			resp := struct {
				Data map[string]any `json:"data"`
			}{}
			if err := json.Unmarshal(raw, &resp); err != nil {
				return nil, fmt.Errorf("decoding response: %w", err)
			}
			return resp.Data, nil
		default:
			return nil, &applicationError{fmt.Sprintf("multiple link '%s' found for object", rel)}
		}
	}
}

func evalExpr(req request) answer {
	var env map[string]any
	if len(req.Env) > 0 {
		if err := json.Unmarshal(req.Env, &env); err != nil {
			return answer{"bad_request": err.Error()}
		}
	} else {
		var event any
		if len(req.Event) > 0 {
			if err := json.Unmarshal(req.Event, &event); err != nil {
				return answer{"bad_request": err.Error()}
			}
		}
		env = map[string]any{"event": event}
	}
	p, err := expr.Compile(req.Expr, expr.Function("link", linker(req.Links)))
	if err != nil {
		return answer{"phase": "compile", "error": err.Error()}
	}
	ret, err := expr.Run(p, env)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil {
			return answer{"phase": "run", "error": inner.Error()}
		}
		return answer{"phase": "run", "error": err.Error()}
	}
	out := answer{"phase": "value", "type": fmt.Sprintf("%T", ret), "sprint": fmt.Sprint(ret)}
	if data, err := json.Marshal(ret); err == nil {
		out["json"] = json.RawMessage(data)
	} else {
		out["json_error"] = err.Error()
	}
	switch ret.(type) {
	case float64, float32:
		if data, err := json.Marshal(ret); err == nil {
			out["var"] = string(data)
		} else {
			out["var_error"] = err.Error()
		}
	default:
		out["var"] = fmt.Sprint(ret)
	}
	b, ok := ret.(bool)
	out["filter"] = ok && b
	return out
}

func handle(req request) answer {
	switch req.Mode {
	case "", "expr":
		return evalExpr(req)
	case "regex":
		re, err := regexp.Compile(req.Pattern)
		if err != nil {
			return answer{"error": err.Error()}
		}
		return answer{"match": re.MatchString(req.Text)}
	case "float":
		var f float64
		switch req.Special {
		case "nan":
			f = math.NaN()
		case "+inf":
			f = math.Inf(1)
		case "-inf":
			f = math.Inf(-1)
		case "-0":
			f = math.Copysign(0, -1)
		default:
			parsed, err := strconv.ParseFloat(req.Float, 64)
			if err != nil {
				return answer{"bad_request": err.Error()}
			}
			f = parsed
		}
		out := answer{"sprint": fmt.Sprint(f), "sprint_list": fmt.Sprint([]any{f})}
		if data, err := json.Marshal(f); err == nil {
			out["json"] = string(data)
		} else {
			out["json_error"] = err.Error()
		}
		return out
	case "duration":
		d, err := time.ParseDuration(req.Text)
		if err != nil {
			return answer{"error": err.Error()}
		}
		return answer{"ns": int64(d), "string": d.String()}
	case "rfc3339":
		t, err := time.Parse(time.RFC3339, req.Text)
		if err != nil {
			return answer{"error": err.Error()}
		}
		return answer{"sec": t.Unix(), "nsec": t.Nanosecond()}
	}
	return answer{"bad_request": "unknown mode " + req.Mode}
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var req request
		var ans answer
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			ans = answer{"bad_request": err.Error()}
		} else {
			ans = func() (a answer) {
				defer func() {
					if r := recover(); r != nil {
						a = answer{"panic": fmt.Sprint(r)}
					}
				}()
				return handle(req)
			}()
		}
		ans["id"] = req.ID
		if err := enc.Encode(ans); err != nil {
			ans = answer{"id": req.ID, "bad_answer": err.Error()}
			_ = enc.Encode(ans)
		}
		if req.Mode == "flush" {
			out.Flush()
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(2)
	}
}
