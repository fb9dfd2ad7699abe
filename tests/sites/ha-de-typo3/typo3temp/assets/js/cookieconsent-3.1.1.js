/* bundled site script */
(function(){document.documentElement.className+=' js';})();
